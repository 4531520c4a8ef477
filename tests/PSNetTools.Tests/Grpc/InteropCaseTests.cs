using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Grpc;

/// <summary>
/// The gRPC interop client cases (grpc/grpc doc/interop-test-descriptions.md), one test each, run as a user types them
/// in the built module against the grpc-js interop server (tests/peers/rpc/interop), asserting what the description
/// asserts. Unary and server-streaming cases use Invoke-GrpcMethod; the stream cases use the session cmdlets
/// (Connect-GrpcStream ...) and, where it can express them, Invoke-GrpcMethod too. docs/conformance.md has the table.
/// </summary>
public sealed class InteropCaseTests(GrpcInteropPeer server) : IClassFixture<GrpcInteropPeer>
{
    private const string Service = "grpc.testing.TestService";

    private PsResult Run(string script) => Ps.Run(script, 60, new Dictionary<string, object?> { ["A"] = server.Address });

    private static List<object> Values(PsResult r) => [.. r.Output.Select(o => o.BaseObject)];

    [Fact]
    public void Empty_unary()
    {
        var r = Run($$"""
            $reply = Invoke-GrpcMethod $A {{Service}}/EmptyCall -Body @{} -Plaintext
            @($reply).Count
            $reply.PSObject.TypeNames[0]
            @($reply.PSObject.Properties).Count
            """);
        r.AssertNoErrors();
        Assert.Equal([1, "PSNetTools.Grpc.Message#grpc.testing.Empty", 0], Values(r));
    }

    [Fact]
    public void Large_unary()
    {
        var r = Run($$"""
            $reply = Invoke-GrpcMethod $A {{Service}}/UnaryCall -Plaintext -Body @{ response_size = 314159; payload = @{ body = [byte[]]::new(271828) } }
            $reply.payload.body.Length
            @($reply.payload.body | Where-Object { $_ -ne 0 }).Count
            """);
        r.AssertNoErrors();
        Assert.Equal([314159, 0], Values(r));
    }

    [Fact]
    public void Client_streaming()
    {
        var r = Run($$"""
            $bodies = 27182, 8, 1828, 45904 | ForEach-Object { @{ payload = @{ body = [byte[]]::new($_) } } }
            ($bodies | Invoke-GrpcMethod $A {{Service}}/StreamingInputCall -Plaintext).aggregatedPayloadSize
            $s = Connect-GrpcStream $A {{Service}}/StreamingInputCall -Plaintext
            $bodies | Send-GrpcMessage $s -Complete
            (Receive-GrpcMessage $s -TimeoutSec 10).aggregatedPayloadSize
            Disconnect-GrpcStream $s -PassThru | ForEach-Object Status
            """);
        r.AssertNoErrors();
        Assert.Equal([74922, 74922, "OK"], Values(r));
    }

    [Fact]
    public void Server_streaming()
    {
        var r = Run($$"""
            $sizes = 31415, 9, 2653, 58979
            $body = @{ response_parameters = @($sizes | ForEach-Object { @{ size = $_ } }) }
            (Invoke-GrpcMethod $A {{Service}}/StreamingOutputCall -Plaintext -Body $body | ForEach-Object { $_.payload.body.Length }) -join ','
            """);
        r.AssertNoErrors();
        Assert.Equal(["31415,9,2653,58979"], Values(r));
    }

    [Fact]
    public void Ping_pong_with_the_session_cmdlets_each_reply_within_one_second_of_its_request()
    {
        // Lockstep: the next request is sent only after the reply to the one before came back.
        var r = Run($$"""
            $s = Connect-GrpcStream $A {{Service}}/FullDuplexCall -Plaintext
            $pairs = @(27182, 31415), @(8, 9), @(1828, 2653), @(45904, 58979)
            foreach ($pair in $pairs) {
                $clock = [Diagnostics.Stopwatch]::StartNew()
                Send-GrpcMessage $s @{ response_parameters = @(@{ size = $pair[1] }); payload = @{ body = [byte[]]::new($pair[0]) } }
                $reply = Receive-GrpcMessage $s -Count 1 -TimeoutSec 5
                '{0}|{1}' -f $reply.payload.body.Length, $clock.ElapsedMilliseconds
            }
            Send-GrpcMessage $s -Complete
            @(Receive-GrpcMessage $s -TimeoutSec 5).Count
            $s.Status
            Disconnect-GrpcStream $s
            """);
        r.AssertNoErrors();
        var rows = r.Output.Take(4).Select(o => ((string)o.BaseObject).Split('|')).ToList();
        Assert.Equal(["31415", "9", "2653", "58979"], rows.Select(x => x[0]));
        Assert.All(rows, x => Assert.True(double.Parse(x[1], System.Globalization.CultureInfo.InvariantCulture) < 1000, $"a reply took {x[1]} ms"));
        Assert.Equal([0, "OK"], Values(r).Skip(4));
    }

    [Fact]
    public void Empty_stream()
    {
        var r = Run($$"""
            $s = Connect-GrpcStream $A {{Service}}/FullDuplexCall -Plaintext
            Send-GrpcMessage $s -Complete
            @(Receive-GrpcMessage $s -TimeoutSec 10).Count
            $s.Status
            Disconnect-GrpcStream $s
            @(@() | Invoke-GrpcMethod $A {{Service}}/FullDuplexCall -Plaintext).Count
            """);
        r.AssertNoErrors();
        Assert.Equal([0, "OK", 0], Values(r));
    }

    [Fact]
    public void Status_code_and_message()
    {
        var r = Run($$"""
            $status = @{ code = 2; message = 'test status message' }
            Invoke-GrpcMethod $A {{Service}}/UnaryCall -Plaintext -Body @{ response_status = $status } -ErrorVariable unary -ErrorAction SilentlyContinue
            $unary[0].FullyQualifiedErrorId.Split(',')[0]
            $unary[0].Exception.Status.ToString()
            $unary[0].Exception.Detail
            $s = Connect-GrpcStream $A {{Service}}/FullDuplexCall -Plaintext
            Send-GrpcMessage $s @{ response_status = $status }
            Receive-GrpcMessage $s -TimeoutSec 10 -ErrorVariable duplex -ErrorAction SilentlyContinue
            $duplex[0].FullyQualifiedErrorId.Split(',')[0]
            $s.Status
            $s.StatusDetail
            Disconnect-GrpcStream $s
            """);
        Assert.Equal(["GrpcUnknown", "Unknown", "test status message", "GrpcUnknown", "Unknown", "test status message"], Values(r));
    }

    [Fact]
    public void Special_status_message()
    {
        // Whitespace at both ends, CR LF inside, a BMP and a non-BMP character: grpc-message is percent-encoded UTF-8.
        const string Message = "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \U0001F608\t\n";
        var r = Ps.Run($$"""
            Invoke-GrpcMethod $A {{Service}}/UnaryCall -Plaintext -Body @{ response_status = @{ code = 2; message = $M } } -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed[0].Exception.Status.ToString()
            $failed[0].Exception.Detail
            """, 60, new Dictionary<string, object?> { ["A"] = server.Address, ["M"] = Message });
        Assert.Equal(["Unknown", Message], Values(r));
    }

    [Fact]
    public void Unimplemented_method()
    {
        var r = Run($$"""
            Invoke-GrpcMethod $A {{Service}}/UnimplementedCall -Body @{} -Plaintext -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed.Count
            $failed[0].FullyQualifiedErrorId.Split(',')[0]
            $failed[0].Exception.Status.ToString()
            """);
        Assert.Equal([1, "GrpcUnimplemented", "Unimplemented"], Values(r));
    }

    [Fact]
    public void Unimplemented_service()
    {
        // Declared in test.proto (so it resolves) and served by no one.
        var r = Run("""
            Invoke-GrpcMethod $A grpc.testing.UnimplementedService/UnimplementedCall -Body @{} -Plaintext -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed.Count
            $failed[0].FullyQualifiedErrorId.Split(',')[0]
            $failed[0].Exception.Status.ToString()
            """);
        Assert.Equal([1, "GrpcUnimplemented", "Unimplemented"], Values(r));
    }

    [Fact]
    public void Custom_metadata_on_a_bidi_stream()
    {
        // The FullDuplexCall half of custom_metadata: the echoed header and binary trailer, read off the session.
        var r = Run($$"""
            $metadata = @{ 'x-grpc-test-echo-initial' = 'test_initial_metadata_value'; 'x-grpc-test-echo-trailing-bin' = [byte[]](0xab, 0xab, 0xab) }
            $s = Connect-GrpcStream $A {{Service}}/FullDuplexCall -Plaintext -Metadata $metadata
            Send-GrpcMessage $s @{ response_parameters = @(@{ size = 314159 }); payload = @{ body = [byte[]]::new(271828) } } -Complete
            (Receive-GrpcMessage $s -TimeoutSec 10).payload.body.Length
            $s.ResponseHeaders['x-grpc-test-echo-initial']
            [Convert]::ToHexString([Convert]::FromBase64String($s.Trailers['x-grpc-test-echo-trailing-bin']))
            Disconnect-GrpcStream $s
            """);
        r.AssertNoErrors();
        Assert.Equal([314159, "test_initial_metadata_value", "ABABAB"], Values(r));
    }

    [Fact]
    public void Custom_metadata_on_a_unary_call()
    {
        var r = Run($$"""
            $metadata = @{ 'x-grpc-test-echo-initial' = 'test_initial_metadata_value'; 'x-grpc-test-echo-trailing-bin' = [byte[]](0xab, 0xab, 0xab) }
            $reply, $call = Invoke-GrpcMethod $A {{Service}}/UnaryCall -Plaintext -Metadata $metadata -IncludeMetadata -Body @{ response_size = 314159; payload = @{ body = [byte[]]::new(271828) } }
            $reply.payload.body.Length
            $call.GetResponseHeaders()['x-grpc-test-echo-initial']
            [Convert]::ToHexString([Convert]::FromBase64String($call.GetTrailers()['x-grpc-test-echo-trailing-bin']))
            """);
        r.AssertNoErrors();
        Assert.Equal([314159, "test_initial_metadata_value", "ABABAB"], Values(r));
    }

    [Fact]
    public void Timeout_on_sleeping_server()
    {
        // A 1 ms deadline on FullDuplexCall whose requests are not completed: DEADLINE_EXCEEDED, whichever cmdlet carries the call.
        var r = Run($$"""
            $body = @{ response_parameters = @(@{ size = 31415 }); payload = @{ body = [byte[]]::new(27182) } }
            $s = Connect-GrpcStream $A {{Service}}/FullDuplexCall -Plaintext -DeadlineSec 0.001
            Send-GrpcMessage $s $body -ErrorAction SilentlyContinue
            # On loopback a reply may beat the 1 ms deadline; the call still ends DEADLINE_EXCEEDED.
            $null = Receive-GrpcMessage $s -TimeoutSec 10 -ErrorVariable session -ErrorAction SilentlyContinue
            $session[0].FullyQualifiedErrorId.Split(',')[0]
            $session[0].Exception.Status.ToString()
            $session[0].ErrorDetails.RecommendedAction -match 'Connect-GrpcStream a larger -DeadlineSec'
            $s.Status
            Disconnect-GrpcStream $s
            # As the description's client: the request stream stays open (a half-close would let a fast server end with OK).
            $null = & { $body; [Threading.Thread]::Sleep(1500) } | Invoke-GrpcMethod $A {{Service}}/FullDuplexCall -Plaintext -DeadlineSec 0.001 -ErrorVariable invoke -ErrorAction SilentlyContinue
            $invoke[0].Exception.Status.ToString()
            """);
        Assert.Equal(["Timeout", "DeadlineExceeded", true, "DeadlineExceeded", "DeadlineExceeded"], Values(r));
    }

    [Fact]
    public void Cancel_after_begin()
    {
        var r = Run($$"""
            $s = Connect-GrpcStream $A {{Service}}/StreamingInputCall -Plaintext
            (Disconnect-GrpcStream $s -Cancel -PassThru).Status
            Receive-GrpcMessage $s -ErrorVariable after -ErrorAction SilentlyContinue
            $after[0].Exception.Status.ToString()
            @(Get-GrpcStream | Where-Object Id -eq $s.Id).Count
            """);
        Assert.Equal(["Cancelled", "Cancelled", 0], Values(r));
    }

    [Fact]
    public void Cancel_after_first_response()
    {
        var r = Run($$"""
            $s = Connect-GrpcStream $A {{Service}}/FullDuplexCall -Plaintext
            Send-GrpcMessage $s @{ response_parameters = @(@{ size = 31415 }); payload = @{ body = [byte[]]::new(27182) } }
            (Receive-GrpcMessage $s -Count 1 -TimeoutSec 10).payload.body.Length
            (Disconnect-GrpcStream $s -Cancel -PassThru).Status
            Send-GrpcMessage $s @{ response_parameters = @(@{ size = 9 }) } -ErrorVariable late -ErrorAction SilentlyContinue
            $late.Count
            """);
        Assert.Equal([31415, "Cancelled", 1], Values(r));
    }

    [Fact]
    public void Client_compressed_unary()
    {
        // The probe first: an uncompressed request that says it is compressed must be refused, or the server cannot
        // tell, and the compressed call proves nothing.
        var r = Run($$"""
            $probe = @{ expect_compressed = @{ value = $true }; response_size = 314159; payload = @{ body = [byte[]]::new(271828) } }
            Invoke-GrpcMethod $A {{Service}}/UnaryCall -Plaintext -Body $probe -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed[0].Exception.Status.ToString()
            $reply, $call = Invoke-GrpcMethod $A {{Service}}/UnaryCall -Plaintext -Compression gzip -IncludeMetadata -Body $probe
            $reply.payload.body.Length, $call.RequestEncoding
            $plain = @{ expect_compressed = @{ value = $false }; response_size = 314159; payload = @{ body = [byte[]]::new(271828) } }
            (Invoke-GrpcMethod $A {{Service}}/UnaryCall -Plaintext -Body $plain).payload.body.Length
            """);
        Assert.Equal(["InvalidArgument", 314159, "gzip", 314159], Values(r));
    }

    [Fact]
    public void Client_compressed_streaming()
    {
        // Invoke-GrpcMethod and the session compress every request of a call (the description's second request goes
        // uncompressed; neither Grpc.Net.Client nor grpc-js compress one message of a call and not the next).
        var r = Run($$"""
            $probe = @{ expect_compressed = @{ value = $true }; payload = @{ body = [byte[]]::new(27182) } }
            $probe | Invoke-GrpcMethod $A {{Service}}/StreamingInputCall -Plaintext -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed[0].Exception.Status.ToString()
            $bodies = $probe, @{ expect_compressed = @{ value = $false }; payload = @{ body = [byte[]]::new(45904) } }
            ($bodies | Invoke-GrpcMethod $A {{Service}}/StreamingInputCall -Plaintext -Compression gzip).aggregatedPayloadSize
            $s = Connect-GrpcStream $A {{Service}}/StreamingInputCall -Plaintext -Compression gzip
            $bodies | Send-GrpcMessage $s -Complete
            (Receive-GrpcMessage $s -TimeoutSec 10).aggregatedPayloadSize
            Disconnect-GrpcStream $s
            """);
        Assert.Equal(["InvalidArgument", 73086, 73086], Values(r));
    }

    [Fact]
    public void Server_compressed_unary()
    {
        // The module reads whether replies came compressed from the call's grpc-encoding (ResponseCompressed), which
        // the interop server announces only when it compresses.
        var r = Run($$"""
            foreach ($compressed in $true, $false) {
                $reply, $call = Invoke-GrpcMethod $A {{Service}}/UnaryCall -Plaintext -IncludeMetadata -Body @{ response_compressed = @{ value = $compressed }; response_size = 314159; payload = @{ body = [byte[]]::new(271828) } }
                '{0}|{1}' -f $reply.payload.body.Length, $call.ResponseCompressed
            }
            """);
        r.AssertNoErrors();
        Assert.Equal(["314159|True", "314159|False"], Values(r));
    }

    [Fact]
    public void Server_compressed_streaming()
    {
        // Per call, not per message: the module reports the call's encoding; both replies decode whole.
        var r = Run($$"""
            $body = @{ response_parameters = @(@{ compressed = @{ value = $true }; size = 31415 }, @{ compressed = @{ value = $false }; size = 92653 }) }
            $out = Invoke-GrpcMethod $A {{Service}}/StreamingOutputCall -Plaintext -IncludeMetadata -Body $body
            ($out[0..1] | ForEach-Object { $_.payload.body.Length }) -join ','
            $out[2].ResponseCompressed
            $out[2].ResponseCount
            """);
        r.AssertNoErrors();
        Assert.Equal(["31415,92653", true, 2], Values(r));
    }

    [Fact]
    public void The_server_checks_expect_compressed_and_compresses_what_it_is_asked_to()
    {
        // What the compression cases stand on, and runs today: an uncompressed request that expects compression is
        // refused, and replies the server compresses (response_compressed) still decode whole.
        var r = Run($$"""
            Invoke-GrpcMethod $A {{Service}}/UnaryCall -Plaintext -Body @{ expect_compressed = @{ value = $true }; response_size = 10 } -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed[0].Exception.Status.ToString()
            (Invoke-GrpcMethod $A {{Service}}/UnaryCall -Plaintext -Body @{ response_compressed = @{ value = $true }; response_size = 314159 }).payload.body.Length
            $body = @{ response_parameters = @(@{ compressed = @{ value = $true }; size = 31415 }, @{ compressed = @{ value = $false }; size = 92653 }) }
            (Invoke-GrpcMethod $A {{Service}}/StreamingOutputCall -Plaintext -Body $body | ForEach-Object { $_.payload.body.Length }) -join ','
            """);
        Assert.Equal(["InvalidArgument", 314159, "31415,92653"], Values(r));
    }
}
