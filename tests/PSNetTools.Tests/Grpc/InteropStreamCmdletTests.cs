using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Grpc;

/// <summary>The stream session cmdlets' conventions, against the grpc-js interop server (TestService).</summary>
public sealed class InteropStreamCmdletTests(GrpcInteropPeer server) : IClassFixture<GrpcInteropPeer>
{
    private PsResult Run(string script) => Ps.Run(script, 60, new Dictionary<string, object?> { ["A"] = server.Address });

    [Fact]
    public void Method_completion_for_a_stream_lists_only_client_streaming_and_bidi_methods()
    {
        var r = Run("""
            $line = "Connect-GrpcStream $A -Plaintext -Method grpc.testing.TestService/"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
            """);
        r.AssertNoErrors();
        Assert.Equal(
            ["grpc.testing.TestService/FullDuplexCall", "grpc.testing.TestService/HalfDuplexCall", "grpc.testing.TestService/StreamingInputCall"],
            r.Output.Select(o => (string)o.BaseObject).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Half_duplex_replies_come_after_the_half_close_in_order()
    {
        var r = Run("""
            $s = Connect-GrpcStream $A grpc.testing.TestService/HalfDuplexCall -Plaintext
            Send-GrpcMessage $s @{ response_parameters = @(@{ size = 1 }) }
            Send-GrpcMessage $s @{ response_parameters = @(@{ size = 2 }, @{ size = 3 }) }
            Receive-GrpcMessage $s -TimeoutSec 0.5 -ErrorVariable quiet -ErrorAction SilentlyContinue
            $quiet[0].FullyQualifiedErrorId.Split(',')[0]
            $s.State
            Send-GrpcMessage $s -Complete
            # HalfClosed, or already Closed when the server answered and ended the call at once (the replies wait in the queue).
            $s.State -in 'HalfClosed', 'Closed'
            (Receive-GrpcMessage $s -TimeoutSec 10 | ForEach-Object { $_.payload.body.Length }) -join ','
            $s.State
            Disconnect-GrpcStream $s
            """);
        r.AssertNoErrors();
        Assert.Equal(["Timeout", "Open", true, "1,2,3", "Closed"], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Get_lists_open_sessions_and_disconnect_is_idempotent()
    {
        var r = Run("""
            $first = Connect-GrpcStream $A grpc.testing.TestService/FullDuplexCall -Plaintext
            $second = Connect-GrpcStream $A grpc.testing.TestService/StreamingInputCall -Plaintext
            (Get-GrpcStream | Where-Object { $_.Id -in $first.Id, $second.Id } | ForEach-Object Kind) -join ','
            (Get-GrpcStream -Id $second.Id).Method
            $first, $second | Disconnect-GrpcStream
            Disconnect-GrpcStream $first, $second
            @(Get-GrpcStream | Where-Object { $_.Id -in $first.Id, $second.Id }).Count
            $first.State, $first.Status, $second.Status
            """);
        r.AssertNoErrors();
        Assert.Equal(["BidiStreaming,ClientStreaming", "grpc.testing.TestService/StreamingInputCall", 0, "Closed", "OK", "OK"], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Bad_input_is_an_error_in_its_place_and_the_stream_lives_on()
    {
        var r = Run("""
            $s = Connect-GrpcStream $A grpc.testing.TestService/FullDuplexCall -Plaintext
            Send-GrpcMessage $s @{ no_such_field = 1 } -ErrorVariable bad -ErrorAction SilentlyContinue
            Send-GrpcMessage $s -ErrorVariable nothing -ErrorAction SilentlyContinue
            $bad.Count, $nothing[0].FullyQualifiedErrorId.Split(',')[0]
            Send-GrpcMessage $s '{"response_parameters": [{"size": 7}]}'
            (Receive-GrpcMessage $s -Count 1 -TimeoutSec 10).payload.body.Length
            $s.MessagesSent
            Send-GrpcMessage $s -Complete
            Send-GrpcMessage $s @{ response_parameters = @(@{ size = 1 }) } -ErrorVariable late -ErrorAction SilentlyContinue
            $late.Count
            Disconnect-GrpcStream $s
            Connect-GrpcStream $A grpc.testing.TestService/UnaryCall -Plaintext -ErrorVariable unary -ErrorAction SilentlyContinue
            $unary[0].FullyQualifiedErrorId.Split(',')[0]
            """);
        r.AssertNoErrors();
        Assert.Equal([1, "NothingToSend", 7, 1L, 1, "InvalidArgument"], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Ctrl_c_stops_a_receive_and_leaves_the_stream_open()
    {
        var r = Ps.RunAndStop($$"""
            $global:s = Connect-GrpcStream {{server.Address}} grpc.testing.TestService/FullDuplexCall -Plaintext
            Receive-GrpcMessage $global:s
            """, TimeSpan.FromSeconds(2));
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(6), $"the stop took {r.Elapsed}");
        var after = Run("""
            $open = @(Get-GrpcStream | Where-Object State -eq 'Open')
            $open.Count -ge 1
            $open | Disconnect-GrpcStream -Cancel
            """);
        after.AssertNoErrors();
        Assert.Equal([true], after.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void A_session_survives_serialization_with_its_scalar_properties()
    {
        var r = Run("""
            $s = Connect-GrpcStream $A grpc.testing.TestService/FullDuplexCall -Plaintext -Metadata @{ 'x-grpc-test-echo-initial' = 'v' }
            Send-GrpcMessage $s @{ response_parameters = @(@{ size = 1 }) } -Complete
            $null = Receive-GrpcMessage $s -TimeoutSec 10
            Disconnect-GrpcStream $s
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($s))
            $copy.Method, $copy.Kind, $copy.State, $copy.Status, $copy.MessagesSent, $copy.MessagesReceived
            $s.ResponseHeaders.ToString() -match 'x-grpc-test-echo-initial=v'
            """);
        r.AssertNoErrors();
        Assert.Equal(["grpc.testing.TestService/FullDuplexCall", "BidiStreaming", "Closed", "OK", 1L, 1L, true], r.Output.Select(o => o.BaseObject));
    }
}
