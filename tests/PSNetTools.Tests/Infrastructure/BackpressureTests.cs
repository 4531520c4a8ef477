using System.Globalization;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Infrastructure;

/// <summary>
/// Issue 11, point 3: the queue between a cmdlet's work and the pipeline thread is bounded, so a consumer that reads
/// slowly slows the producer instead of letting the module buffer everything the producer can make.
/// </summary>
public sealed class BackpressureTests
{
    [Fact]
    public void A_fast_producer_piped_into_a_consumer_that_sleeps_keeps_memory_flat()
    {
        if (!Directory.Exists(Path.Combine(RpcPeers.Dir, "node_modules", "ws")))
        {
            Assert.Fail("npm ws is not installed in tests/peers/rpc: run 'sudo bash tests/peers/install.sh' (it runs npm ci there).");
        }
        var port = Loopback.FreeTcpPort();
        // A server that sends 512-byte messages as fast as they are read, without end.
        using var flood = PeerProcess.Start("node", $"wsflood.js {port} 512", port, RpcPeers.Dir);
        // Managed heap after a full collection (what is live, not what the GC has yet to reclaim), every 400 messages,
        // while the consumer takes about one message a millisecond: far slower than the flood.
        var (code, stdout, stderr) = FreshProcess.Run($$"""
            Import-Module $ModuleManifestPath
            $s = Connect-WebSocket -Uri 'ws://127.0.0.1:{{port}}/'
            $samples = [Collections.Generic.List[long]]::new()
            $n = 0
            $gaps = 0
            try {
                Receive-WebSocketMessage -Session $s | ForEach-Object {
                    $n++
                    if ([long]$_.Text.Substring(0, $_.Text.IndexOf(' ')) -ne $n) { $gaps++ }
                    if ($n % 400 -eq 0) { $samples.Add([GC]::GetTotalMemory($true)) }
                    if ($n -ge 4000) { throw 'enough' }
                    Start-Sleep -Milliseconds 1
                }
            } catch {
                if ("$_" -ne 'enough') { throw }
            }
            Disconnect-WebSocket -Session $s
            'received {0} gaps {1} heap {2}' -f $n, $gaps, ($samples -join ',')
            """, timeoutSec: 120);
        // The consumer ends the pipeline with a throw it catches itself; PowerShell still counts that (exit code 1).
        Assert.True(code is 0 or 1 && !stderr.Contains("ERROR", StringComparison.Ordinal), $"exit {code}: {stdout}{stderr}");
        var line = stdout.Split('\n').Single(l => l.StartsWith("received ", StringComparison.Ordinal)).Trim().Split(' ');
        Assert.Equal("4000", line[1]);
        Assert.Equal("0", line[3]); // backpressure loses nothing: every message, in order
        var heap = line[5].Split(',').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList();
        // The first sample is taken once the session's own receive queue (bounded too) has filled; from there on an
        // unbounded pump grew by everything the flood sent meanwhile (hundreds of MB in these seconds).
        var grew = heap.Max() - heap[0];
        Assert.True(grew < 16L * 1024 * 1024, $"the heap grew by {grew / 1048576} MB while a slow consumer read 4,000 messages: {string.Join(", ", heap.Select(h => h / 1048576))} MB");
    }
}
