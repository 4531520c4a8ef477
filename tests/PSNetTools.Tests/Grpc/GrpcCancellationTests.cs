using System.Globalization;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Grpc;

/// <summary>
/// Issue 13 gRPC item 3 (cancellation and deadlines are reported when they happen) and issue 11's gRPC leftover (a
/// server stream under -ThrottleLimit streams instead of being held whole). Timings are asserted loosely, in child
/// processes where a hang could occur.
/// </summary>
public sealed class GrpcCancellationTests
{
    private static (PeerProcess Peer, int Port) Flood()
    {
        var port = Loopback.FreeTcpPort();
        // grpc-flood.js: StreamHellos never ends and waits whenever the client stops reading; SayHello says how many
        // replies it has handed to grpc-js so far.
        return (PeerProcess.Start("node", $"grpc/grpc-flood.js {port}", port, GrpcPeers.NodeDir), port);
    }

    private static Dictionary<string, string> Lines(string stdout) =>
        stdout.Split('\n').Select(l => l.Trim()).Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]);

    private static double Seconds(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    [Fact]
    public void Deadline_errors_are_written_when_the_deadline_passes()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        var (flood, floodPort) = Flood();
        using (peer)
        using (flood)
        {
            var (code, stdout, stderr) = FreshProcess.Run($$"""
                Import-Module $ModuleManifestPath
                # Loaded and compiled before the clock starts: what is measured is the call.
                $null = Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -Plaintext
                $sw = [Diagnostics.Stopwatch]::StartNew()
                Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Slow -Body @{ delay_ms = 30000 } -DeadlineSec 1 -Plaintext -ErrorAction SilentlyContinue -ErrorVariable e1
                'unary={0}' -f $sw.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture)
                'unaryid={0}' -f $e1[0].FullyQualifiedErrorId.Split(',')[0]
                # A server stream that never ends, read as fast as it comes.
                $sw.Restart(); $n = 0
                Invoke-GrpcMethod 127.0.0.1:{{floodPort}} demo.v1.Greeter/StreamHellos -Body @{ name = 'd' } -DeadlineSec 1 -Plaintext -ErrorAction SilentlyContinue -ErrorVariable e2 | ForEach-Object { $n++ }
                'stream={0}' -f $sw.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture)
                'streamid={0}' -f $e2[0].FullyQualifiedErrorId.Split(',')[0]
                'streamreplies={0}' -f ($n -gt 0)
                # Client streaming fed by a slow pipeline: the error comes with the next record, not at the end of the input.
                $sw.Restart(); $t2 = $null; $t3 = $null; $at = $null
                & { @{ a = 1 }; [Threading.Thread]::Sleep(3000); $script:t2 = $sw.Elapsed.TotalSeconds; @{ a = 2 }; [Threading.Thread]::Sleep(3000); $script:t3 = $sw.Elapsed.TotalSeconds; @{ a = 3 } } |
                    Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Sum -DeadlineSec 1 -Plaintext 2>&1 |
                    ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord] -and $null -eq $at) { $script:at = $sw.Elapsed.TotalSeconds; 'sumid={0}' -f $_.FullyQualifiedErrorId.Split(',')[0] } }
                'sum={0}' -f $at.ToString([cultureinfo]::InvariantCulture)
                'sumt2={0}' -f $t2.ToString([cultureinfo]::InvariantCulture)
                'sumt3={0}' -f $t3.ToString([cultureinfo]::InvariantCulture)
                """, timeoutSec: 90);
            // The errors asked for (-ErrorAction SilentlyContinue, 2>&1) set the exit code; anything else is in stderr.
            Assert.True(code is 0 or 1 && !stderr.Contains("ERROR", StringComparison.Ordinal), $"exit {code}: {stdout}{stderr}");
            var v = Lines(stdout);
            // Each call also connects and asks reflection: loose bounds, 1.5 s after the deadline.
            Assert.Equal("Timeout", v["unaryid"]);
            Assert.True(Seconds(v["unary"]) < 2.5, stdout);
            Assert.Equal("Timeout", v["streamid"]);
            Assert.Equal("True", v["streamreplies"]);
            Assert.True(Seconds(v["stream"]) < 2.5, stdout);
            Assert.Equal("Timeout", v["sumid"]);
            Assert.True(Seconds(v["sum"]) < Seconds(v["sumt3"]), $"the deadline error waited for the end of the input: {stdout}");
            Assert.True(Seconds(v["sum"]) - Seconds(v["sumt2"]) < 1.5, stdout);
        }
    }

    [Fact]
    public void Ctrl_c_stops_throttled_streams_with_nothing_but_the_stop()
    {
        var (flood, port) = Flood();
        using (flood)
        {
            var r = Ps.RunAndStop($"1..4 | ForEach-Object {{ @{{ name = \"$_\" }} }} | Invoke-GrpcMethod 127.0.0.1:{port} demo.v1.Greeter/StreamHellos -Plaintext -ThrottleLimit 4 | ForEach-Object {{ [Threading.Thread]::Sleep(1) }}",
                TimeSpan.FromSeconds(2), timeoutSec: 30);
            Assert.True(r.Elapsed < TimeSpan.FromSeconds(10), $"took {r.Elapsed}");
            Assert.Empty(r.Errors);
        }
    }

    [Fact]
    public void A_long_server_stream_under_throttle_limit_4_streams_in_flat_memory()
    {
        var (flood, port) = Flood();
        using (flood)
        {
            // Four endless streams side by side: the first one's replies must reach the pipeline as they come, and
            // the three behind it must wait instead of piling up. The deadline only bounds what an old build holds.
            var (code, stdout, stderr) = FreshProcess.Run($$"""
                Import-Module $ModuleManifestPath
                # The gRPC assemblies loaded first, so the baseline is the process before the streams, not before gRPC.
                $null = Invoke-GrpcMethod 127.0.0.1:{{port}} demo.v1.Greeter/SayHello -Plaintext
                [GC]::Collect()
                $samples = [Collections.Generic.List[long]]::new()
                $samples.Add([Diagnostics.Process]::GetCurrentProcess().WorkingSet64)
                $sw = [Diagnostics.Stopwatch]::StartNew()
                $n = 0; $first = $null; $gaps = 0
                try {
                    1..4 | ForEach-Object { @{ name = 'x' * 100 } } | Invoke-GrpcMethod 127.0.0.1:{{port}} demo.v1.Greeter/StreamHellos -Plaintext -ThrottleLimit 4 -DeadlineSec 10 | ForEach-Object {
                        if ($null -eq $first) { $first = $sw.Elapsed.TotalSeconds }
                        $n++
                        if ([long]$_.message.Substring(0, $_.message.IndexOf(' ')) -ne $n) { $gaps++ }
                        if ($n % 200 -eq 0) { [GC]::Collect(); $samples.Add([Diagnostics.Process]::GetCurrentProcess().WorkingSet64) }
                        if ($n -ge 2000) { throw 'enough' }
                        [Threading.Thread]::Sleep(2)
                    }
                } catch {
                    if ("$_" -ne 'enough') { throw }
                }
                'first={0}' -f $first.ToString([cultureinfo]::InvariantCulture)
                'received={0}' -f $n
                'gaps={0}' -f $gaps
                'ws={0}' -f ($samples -join ',')
                """, timeoutSec: 120);
            // The throw that ends the consumer may set the exit code; an error of the call would be in stderr.
            Assert.True(code is 0 or 1 && !stderr.Contains("ERROR", StringComparison.Ordinal), $"exit {code}: {stdout}{stderr}");
            var v = Lines(stdout);
            Assert.Equal("2000", v["received"]);
            // All 2,000 from the first call, in order: the calls behind it wait their turn.
            Assert.Equal("0", v["gaps"]);
            Assert.True(Seconds(v["first"]) < 3, $"the first reply waited for the whole call: {stdout}");
            var ws = v["ws"].Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToList();
            // From before the calls: a build that holds a call's stream whole grew by hundreds of MB (480 MB against 131 MB).
            var grew = ws.Max() - ws[0];
            Assert.True(grew < 64L * 1024 * 1024, $"the working set grew by {grew / 1048576} MB over 2,000 replies: {string.Join(", ", ws.Select(w => w / 1048576))} MB");
        }
    }
}
