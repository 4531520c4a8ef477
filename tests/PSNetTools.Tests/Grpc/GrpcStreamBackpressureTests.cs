using System.Globalization;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Grpc;

/// <summary>
/// Issue 11, point 3 (engine queues): an endless gRPC server stream piped into a consumer that sleeps keeps the heap
/// flat. The pump's queue was bounded already; the client's response queue behind it read the stream as fast as the
/// server sent it.
/// </summary>
public sealed class GrpcStreamBackpressureTests
{
    [Fact]
    public void An_endless_server_stream_piped_into_a_consumer_that_sleeps_keeps_memory_flat()
    {
        var port = Loopback.FreeTcpPort();
        // grpc-flood.js: StreamHellos never ends, and waits whenever the client stops reading.
        using var flood = PeerProcess.Start("node", $"grpc/grpc-flood.js {port}", port, GrpcPeers.NodeDir);
        var (code, stdout, stderr) = FreshProcess.Run($$"""
            Import-Module $ModuleManifestPath
            $samples = [Collections.Generic.List[long]]::new()
            $n = 0
            $gaps = 0
            try {
                Invoke-GrpcMethod 127.0.0.1:{{port}} demo.v1.Greeter/StreamHellos -Plaintext -Body @{ name = 'x' * 1000 } | ForEach-Object {
                    $n++
                    if ([long]$_.message.Substring(0, $_.message.IndexOf(' ')) -ne $n) { $gaps++ }
                    if ($n % 200 -eq 0) { $samples.Add([GC]::GetTotalMemory($true)) }
                    if ($n -ge 2000) { throw 'enough' }
                    [Threading.Thread]::Sleep(2)
                }
            } catch {
                if ("$_" -ne 'enough') { throw }
            }
            'received {0} gaps {1} heap {2}' -f $n, $gaps, ($samples -join ',')
            """, timeoutSec: 120);
        Assert.True(code is 0 or 1 && !stderr.Contains("ERROR", StringComparison.Ordinal), $"exit {code}: {stdout}{stderr}");
        var line = stdout.Split('\n').Single(l => l.StartsWith("received ", StringComparison.Ordinal)).Trim().Split(' ');
        Assert.Equal("2000", line[1]);
        Assert.Equal("0", line[3]);
        var heap = line[5].Split(',').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList();
        // An unbounded response queue grew by what the flood sent meanwhile: 1 KB replies at the server's full speed.
        var grew = heap.Max() - heap[0];
        Assert.True(grew < 16L * 1024 * 1024, $"the heap grew by {grew / 1048576} MB while a slow consumer read 2,000 replies: {string.Join(", ", heap.Select(h => h / 1048576))} MB");
    }
}
