using System.Collections.Specialized;
using System.Management.Automation;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Grpc;

/// <summary>The gRPC cmdlets as a user types them, against the Calculator sample and the Node.js grpc-js peer.</summary>
public sealed class GrpcCmdletTests
{
    [Fact]
    public void The_issue_examples_work_against_the_calculator_sample()
    {
        var (peer, address) = GrpcPeers.CalculatorSample();
        using (peer)
        {
            var r = Ps.Run($$"""
                (Get-GrpcService {{address}} -Plaintext | Where-Object Service -eq 'calculator.Calculator' | ForEach-Object Name) -join ','
                (Invoke-GrpcMethod {{address}} calculator.Calculator/Add -Body @{ a = 10; b = 20 } -Plaintext).result
                (Invoke-GrpcMethod {{address}} calculator.Calculator/Multiply -Body @{ a = 10; b = 20 } -Plaintext).result
                Test-GrpcHealth {{address}} -Plaintext -Quiet
                """);
            r.AssertNoErrors();
            Assert.Equal(["calculator.Calculator/Add,calculator.Calculator/Multiply", 30, 200, true], r.Output.Select(o => o.BaseObject));
        }
    }

    [Fact]
    public void Bodies_come_as_hashtables_objects_or_json_and_a_pipeline_is_one_call_each()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var r = Ps.Run($$"""
                $bodies = @{ name = 'hash' }, [pscustomobject]@{ name = 'object' }, '{"name": "json"}'
                $bodies | Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -Plaintext | ForEach-Object message
                $reply = Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -Plaintext
                $reply.PSObject.Properties.Name -join ','
                $reply.PSObject.TypeNames[0]
                """);
            r.AssertNoErrors();
            Assert.Equal(["Hello hash", "Hello object", "Hello json", "message", "PSNetTools.Grpc.Message#demo.v1.HelloReply"], r.Output.Select(o => o.BaseObject));
        }
    }

    [Fact]
    public void A_reply_is_written_while_its_record_is_current_not_when_the_next_arrives()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            // The producer notes when it emits the second record; the first reply must be written before that.
            var r = Ps.Run($$"""
                $sw = [Diagnostics.Stopwatch]::StartNew()
                & { @{ name = 'first' }; [Threading.Thread]::Sleep(1500); $script:second = $sw.ElapsedMilliseconds; @{ name = 'second' } } |
                    Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -Plaintext | ForEach-Object { '{0}|{1}|{2}' -f $_.message, $sw.ElapsedMilliseconds, $script:second }
                $ws = Start-WebSocketEchoServer -Port 0
                $sw.Restart(); $script:second = $null
                & { 'one'; [Threading.Thread]::Sleep(1500); $script:second = $sw.ElapsedMilliseconds; 'two' } |
                    Send-WebSocketMessage $ws.Endpoint | ForEach-Object { '{0}|{1}|{2}' -f $_.Received, $sw.ElapsedMilliseconds, $script:second }
                $ws | Stop-NetServer
                """);
            r.AssertNoErrors();
            var rows = r.Output.Select(o => ((string)o.BaseObject).Split('|')).ToList();
            Assert.Equal(["Hello first", "Hello second", "one", "two"], rows.Select(x => x[0]));
            // Written before the second record existed: the third column was still empty.
            Assert.Equal("", rows[0][2]);
            Assert.Equal("", rows[2][2]);
        }
    }

    [Fact]
    public void Errors_keep_their_place_among_the_replies()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var r = Ps.Run($$$"""
                @{ int32_value = 1 }, 'not json', @{ int32_value = 3 }, @{ nope = 4 }, @{ int32_value = 5 } |
                    Invoke-GrpcMethod {{{address}}} test.v1.KitchenSink/Echo -Plaintext 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { 'error' } else { $_.int32Value } }
                @{ int32_value = 1 }, @{ nope = 2 }, @{ int32_value = 3 } |
                    Invoke-GrpcMethod {{{address}}} test.v1.KitchenSink/Echo -Plaintext -ThrottleLimit 4 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { 'error' } else { $_.int32Value } }
                """);
            Assert.Equal([1, "error", 3, "error", 5, 1, "error", 3], r.Output.Select(o => o.BaseObject));
        }
    }

    [Fact]
    public void Odd_well_known_values_decode_without_ending_the_pipeline()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var r = Ps.Run($$$"""
                $e = Invoke-GrpcMethod {{{address}}} test.v1.KitchenSink/Echo -Plaintext -Body @{ created_at = @{ seconds = 1; nanos = -5 }; elapsed = @{ seconds = 1; nanos = -5 }; struct_value = @{ a = 1 } }
                "$($e.createdAt.seconds)/$($e.createdAt.nanos)"; "$($e.elapsed.seconds)/$($e.elapsed.nanos)"
                $s = Invoke-GrpcMethod {{{address}}} test.v1.KitchenSink/Echo -Plaintext -Body '{"struct_value": {"a": 1, "A": 2}}'
                $s.structValue.Count
                Invoke-GrpcMethod {{{address}}} test.v1.KitchenSink/Echo -Plaintext -Body @{ elapsed = 1e30 }, @{ float_value = 1e40 }, @{ int32_value = 1; int32Value = 2 }, @{ elapsed = '5' } -ErrorVariable bad -ErrorAction SilentlyContinue
                $bad | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] + ' ' + $_.Exception.FieldPath }
                """);
            r.AssertNoErrors();
            Assert.Equal(["1/-5", "1/-5", 2, "InvalidBody body.elapsed", "InvalidBody body.float_value", "InvalidBody body.int32_value", "InvalidBody body.elapsed"], r.Output.Select(o => o.BaseObject));
        }
    }

    [Fact]
    public void Throttled_calls_run_side_by_side_and_keep_the_input_order()
    {
        var (peer, address) = GrpcPeers.CalculatorSample();
        using (peer)
        {
            var r = Ps.Run($$"""
                $results = 1..300 | ForEach-Object { @{ a = $_; b = 1000 } } | Invoke-GrpcMethod {{address}} calculator.Calculator/Add -Plaintext -ThrottleLimit 8
                ($results | ForEach-Object result) -join ','
                @{ a = 1; b = 1 }, @{ a = 2147483647; b = 1 }, @{ a = 3; b = 3 } | Invoke-GrpcMethod {{address}} calculator.Calculator/Add -Plaintext -ThrottleLimit 3 -ErrorVariable e -ErrorAction SilentlyContinue | ForEach-Object result
                $e[0].FullyQualifiedErrorId
                """);
            Assert.Equal(string.Join(",", Enumerable.Range(1001, 300)), r.Output[0].BaseObject);
            Assert.Equal(2, r.Output[1].BaseObject);
            Assert.Equal(6, r.Output[2].BaseObject);
            Assert.StartsWith("GrpcOutOfRange", (string)r.Output[3].BaseObject, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Streaming_methods_server_client_and_bidi()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var r = Ps.Run($$"""
                (Invoke-GrpcMethod {{address}} demo.v1.Greeter/StreamHellos -Body @{ name = 'ps'; count = 3 } -Plaintext | ForEach-Object message) -join '|'
                ('a', 'b', 'c' | ForEach-Object { @{ name = $_ } } | Invoke-GrpcMethod {{address}} demo.v1.Greeter/CollectHellos -Plaintext).message
                ('x', 'y' | ForEach-Object { @{ name = $_ } } | Invoke-GrpcMethod {{address}} demo.v1.Greeter/Chat -Plaintext | ForEach-Object message) -join '|'
                (Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Sum -Body @{ a = 1; b = 2 }, @{ a = 3; b = 4 } -Plaintext).total
                """);
            r.AssertNoErrors();
            Assert.Equal(["Hello ps #0|Hello ps #1|Hello ps #2", "Hello a,b,c", "Hello x|Hello y", 10L], r.Output.Select(o => o.BaseObject));
        }
    }

    [Fact]
    public void Rich_responses_become_objects_hashtables_arrays_and_dates()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var r = Ps.Run($$"""
                $when = [datetime]::new(2026, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)
                $e = Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Echo -Plaintext -Body @{
                    int64_value = 9000000000; color = 'RED'; nested = [pscustomobject]@{ name = 'n'; value = 2 }
                    repeated_inner = @(@{ name = 'a' }, @{ name = 'b' }); int_map = @{ one = 1 }; created_at = $when
                    elapsed = [timespan]::FromSeconds(90); struct_value = @{ k = 'v' }; string_wrapper = 'w' }
                $e.int64Value; $e.color; $e.nested.name; $e.nested.PSObject.TypeNames[0]
                ($e.repeatedInner | ForEach-Object name) -join ','
                $e.intMap['one']; $e.createdAt -eq $when; $e.elapsed.TotalSeconds; $e.structValue.k; $e.stringWrapper
                (Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Echo -Plaintext -Body @{ inner_map = @{ 5 = @{ name = 'five' } } }).innerMap[5].name
                $null -eq $e.int32Wrapper; $e.maybe -eq $null
                """);
            r.AssertNoErrors();
            Assert.Equal([9_000_000_000L, "RED", "n", "PSNetTools.Grpc.Message#test.v1.AllTypes.Inner", "a,b", 1, true, 90.0, "v", "w", "five", true, true],
                r.Output.Select(o => o.BaseObject));
        }
    }

    [Fact]
    public void A_wrong_body_field_is_an_error_naming_it_and_the_other_bodies_still_go()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var r = Ps.Run($$"""
                @{ name = 'ok1' }, @{ nmae = 'typo' }, @{ name = 'ok2' } | Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -Plaintext -ErrorVariable bad | ForEach-Object message
                $bad[0].FullyQualifiedErrorId; $bad[0].CategoryInfo.Category; $bad[0].Exception.Message
                Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -Body @{ count = 'many' } -Plaintext -ErrorAction SilentlyContinue -ErrorVariable wrong
                $wrong[0].Exception.Message
                Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -Body 'not json' -Plaintext -ErrorAction SilentlyContinue -ErrorVariable text
                $text[0].FullyQualifiedErrorId
                """);
            Assert.Equal("Hello ok1", r.Output[0].BaseObject);
            Assert.Equal("Hello ok2", r.Output[1].BaseObject);
            Assert.StartsWith("InvalidBody", (string)r.Output[2].BaseObject, StringComparison.Ordinal);
            Assert.Equal("InvalidArgument", r.Output[3].BaseObject.ToString());
            Assert.Contains("body.nmae", (string)r.Output[4].BaseObject, StringComparison.Ordinal);
            Assert.Contains("name (string)", (string)r.Output[4].BaseObject, StringComparison.Ordinal);
            Assert.Contains("body.count", (string)r.Output[5].BaseObject, StringComparison.Ordinal);
            Assert.StartsWith("InvalidBody", (string)r.Output[6].BaseObject, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Status_errors_carry_status_and_detail_and_deadlines_cut_calls_off()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var r = Ps.Run($$"""
                Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Fail -Body @{ code = 7; detail = 'no entry' } -Plaintext -ErrorAction SilentlyContinue -ErrorVariable e
                $e[0].FullyQualifiedErrorId; $e[0].CategoryInfo.Category; [string]$e[0].Exception.Status; $e[0].Exception.Detail
                $sw = [Diagnostics.Stopwatch]::StartNew()
                Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Slow -Body @{ delay_ms = 20000 } -DeadlineSec 0.3 -Plaintext -ErrorAction SilentlyContinue -ErrorVariable d
                $d[0].FullyQualifiedErrorId; $sw.Elapsed.TotalSeconds -lt 5
                """);
            Assert.Equal(["GrpcPermissionDenied,PSNetTools.Commands.Grpc.InvokeGrpcMethodCommand", "PermissionDenied", "PermissionDenied", "no entry",
                "Timeout,PSNetTools.Commands.Grpc.InvokeGrpcMethodCommand", true], r.Output.Select(o => o.BaseObject.ToString() is { } s && o.BaseObject is bool ? o.BaseObject : o.BaseObject.ToString()));
        }
    }

    [Fact]
    public void Unknown_method_or_unreachable_server_stops_the_command_with_what_to_do()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var r = Ps.Run($$"""
                try { Invoke-GrpcMethod {{address}} demo.v1.Greeter/Shout -Plaintext -ErrorAction Stop } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }
                try { 1..5 | ForEach-Object { @{ name = "$_" } } | Invoke-GrpcMethod 127.0.0.1:{{Loopback.ClosedTcpPort()}} demo.v1.Greeter/SayHello -Plaintext -ErrorAction Stop } catch { $_.FullyQualifiedErrorId; $_.ErrorDetails.RecommendedAction }
                try { Invoke-GrpcMethod localhost demo.v1.Greeter/SayHello -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
                """, timeoutSec: 60);
            Assert.StartsWith("GrpcNotFound", (string)r.Output[0].BaseObject, StringComparison.Ordinal);
            Assert.Contains("SayHello", (string)r.Output[1].BaseObject, StringComparison.Ordinal);
            // Issue 11: a refused port is ConnectionRefused in every cmdlet; what to do is the RecommendedAction.
            Assert.StartsWith("ConnectionRefused", (string)r.Output[2].BaseObject, StringComparison.Ordinal);
            Assert.Contains("port", (string)r.Output[3].BaseObject, StringComparison.Ordinal);
            Assert.StartsWith("InvalidArgument", (string)r.Output[4].BaseObject, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Health_rows_quiet_answers_and_unreachable_servers()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var r = Ps.Run($$"""
                Test-GrpcHealth {{address}} -Service '', demo.v1.Greeter, down.Service, no.Such -Plaintext | ForEach-Object { "$($_.Service)=$($_.Status)=$($_.IsServing)" }
                Test-GrpcHealth {{address}} -Service down.Service -Plaintext -Quiet
                Test-GrpcHealth 127.0.0.1:{{Loopback.ClosedTcpPort()}} -Plaintext -Quiet
                Test-GrpcHealth 127.0.0.1:{{Loopback.ClosedTcpPort()}} -Plaintext -ErrorAction SilentlyContinue -ErrorVariable e
                $e[0].FullyQualifiedErrorId; $e[0].CategoryInfo.Category
                """);
            object[] expected = ["=Serving=True", "demo.v1.Greeter=Serving=True", "down.Service=NotServing=False", "no.Such=ServiceUnknown=False", false, false,
                "ConnectionRefused,PSNetTools.Commands.Grpc.TestGrpcHealthCommand", "ConnectionError"];
            var actual = r.Output.Select(o => o.BaseObject is bool ? o.BaseObject : o.BaseObject.ToString()).ToList();
            // Once in a loaded full run the first call gave no rows: say what it wrote instead.
            Assert.True(expected.SequenceEqual(actual), $"got [{string.Join(", ", actual)}]; errors: {string.Join(" | ", r.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e))}");
        }
    }

    [Fact]
    public void Proto_files_replace_reflection_and_list_offline()
    {
        var (peer, address) = GrpcPeers.CalculatorSample(reflection: "none");
        using (peer)
        {
            var r = Ps.Run($$"""
                (Get-GrpcService -ProtoFile '{{GrpcPeers.CalculatorProto}}' | ForEach-Object Name) -join ','
                (Invoke-GrpcMethod {{address}} calculator.Calculator/Add -Body @{ a = 2; b = 3 } -ProtoFile '{{GrpcPeers.CalculatorProto}}' -Plaintext).result
                try { Invoke-GrpcMethod {{address}} calculator.Calculator/Add -Plaintext -ErrorAction Stop } catch { $_.ErrorDetails.RecommendedAction }
                try { Invoke-GrpcMethod {{address}} calculator.Calculator/Add -ProtoFile ./no/such.proto -Plaintext -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
                try { Get-GrpcService {{address}} -Plaintext -ErrorAction Stop } catch { $_.ErrorDetails.RecommendedAction }
                """);
            Assert.Equal("calculator.Calculator/Add,calculator.Calculator/Multiply", r.Output[0].BaseObject);
            Assert.Equal(5, r.Output[1].BaseObject);
            Assert.Contains("-ProtoFile", (string)r.Output[2].BaseObject, StringComparison.Ordinal);
            Assert.StartsWith("FileNotFound", (string)r.Output[3].BaseObject, StringComparison.Ordinal);
            // Issue 13 item 6: without reflection Get-GrpcService fails too, so the advice names only the files.
            foreach (var advice in new[] { (string)r.Output[2].BaseObject, (string)r.Output[4].BaseObject })
            {
                Assert.Contains("-ProtoFile", advice, StringComparison.Ordinal);
                Assert.Contains("-DescriptorSet", advice, StringComparison.Ordinal);
                Assert.DoesNotContain("Get-GrpcService", advice, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Tls_needs_skip_certificate_check_for_a_self_signed_server()
    {
        var (peer, address) = GrpcPeers.NodeGrpc(tls: true);
        using (peer)
        {
            var r = Ps.Run($$"""
                (Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -Body @{ name = 'tls' } -SkipCertificateCheck).message
                Test-GrpcHealth {{address}} -SkipCertificateCheck -Quiet
                try { Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -ErrorAction Stop } catch { $_.ErrorDetails.RecommendedAction }
                """);
            Assert.Equal("Hello tls", r.Output[0].BaseObject);
            Assert.Equal(true, r.Output[1].BaseObject);
            Assert.Contains("-SkipCertificateCheck", (string)r.Output[2].BaseObject, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_private_ca_is_trusted_with_ca_certificate_path()
    {
        var (peer, address) = GrpcPeers.NodeGrpc(tls: true, certificate: "leaf");
        using (peer)
        {
            var r = Ps.Run($$"""
                (Invoke-GrpcMethod {{address.Replace("127.0.0.1", "localhost")}} demo.v1.Greeter/SayHello -Body @{ name = 'ca' } -CaCertificatePath '{{TestCertificates.File("ca.crt")}}').message
                Test-GrpcHealth {{address.Replace("127.0.0.1", "localhost")}} -CaCertificatePath '{{TestCertificates.File("ca.crt")}}' -Quiet
                Test-GrpcHealth {{address.Replace("127.0.0.1", "localhost")}} -CaCertificatePath '{{TestCertificates.File("selfsigned.crt")}}' -Quiet
                try { Test-GrpcHealth {{address}} -CaCertificatePath ./missing.crt -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
                """);
            Assert.Equal("Hello ca", r.Output[0].BaseObject);
            Assert.Equal(true, r.Output[1].BaseObject);
            Assert.Equal(false, r.Output[2].BaseObject);
            // A missing file is a parameter error now (-CaCertificatePath is an alias of the shared -TrustedCertificate).
            Assert.StartsWith("ParameterArgumentTransformationError", (string)r.Output[3].BaseObject, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Mutual_tls_sends_the_client_certificate()
    {
        var (peer, address) = GrpcPeers.NodeGrpc(tls: true, certificate: "leaf", requireClientCertificate: true);
        using (peer)
        {
            using var client = GrpcPeers.ClientCertificate();
            var r = Ps.Run($$"""
                (Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -Body @{ name = 'mtls' } -SkipCertificateCheck -Certificate $ClientCert).message
                Test-GrpcHealth {{address}} -SkipCertificateCheck -Quiet
                try { Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -Body @{ name = 'none' } -SkipCertificateCheck -ErrorAction Stop } catch { $_.FullyQualifiedErrorId; $_.ErrorDetails.RecommendedAction }
                """, variables: new Dictionary<string, object?> { ["ClientCert"] = client });
            Assert.Equal("Hello mtls", r.Output[0].BaseObject);
            // Without the client certificate the server refuses the handshake.
            Assert.Equal(false, r.Output[1].BaseObject);
            // And says why: before, a ProtocolError ("the peer did not answer in gRPC") sent the user looking elsewhere.
            Assert.StartsWith("ClientCertificateRequired,", (string)r.Output[2].BaseObject, StringComparison.Ordinal);
            Assert.Contains("-ClientCertificate", (string)r.Output[3].BaseObject, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Method_names_complete_from_the_server_and_secrets_stay_out_of_verbose()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var r = Ps.Run($$"""
                $line = 'Invoke-GrpcMethod {{address}} -Plaintext -Method demo.v1.Greeter/S'
                (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
                Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Echo -Plaintext -Metadata @{ 'x-api-token' = 's3cret'; 'x-plain' = 'visible' } -Verbose 4>&1 |
                    Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
                """);
            r.AssertNoErrors();
            var texts = r.Output.Select(o => o.BaseObject.ToString()!).ToList();
            Assert.Equal(["demo.v1.Greeter/SayHello", "demo.v1.Greeter/StreamHellos"], texts.Take(2));
            var verbose = string.Join("\n", texts.Skip(2));
            Assert.Contains("x-plain: visible", verbose, StringComparison.Ordinal);
            Assert.Contains("x-api-token: (redacted)", verbose, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret", verbose, StringComparison.Ordinal);
            Assert.Contains("status OK", verbose, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Ctrl_c_stops_a_call_that_waits_on_the_server()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var r = Ps.RunAndStop($"Invoke-GrpcMethod {address} test.v1.KitchenSink/Slow -Body @{{ delay_ms = 60000 }} -Plaintext", TimeSpan.FromSeconds(2), timeoutSec: 30);
            Assert.True(r.Elapsed < TimeSpan.FromSeconds(10), $"took {r.Elapsed}");
            Assert.Empty(r.Output);
            // Issue 13 item 3: nothing beyond PowerShell's own stop.
            Assert.Empty(r.Errors);
        }
    }
}
