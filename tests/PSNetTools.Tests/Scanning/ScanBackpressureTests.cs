using System.Globalization;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scanning;

/// <summary>
/// Issue 11, point 3 (engine queues): a large scan piped into a consumer that sleeps keeps the heap flat. The pump's
/// queue was bounded already; the scanner's row queue behind it was not, and held every row the scan made meanwhile.
/// </summary>
public sealed class ScanBackpressureTests
{
    [Fact]
    public void A_large_scan_piped_into_a_consumer_that_sleeps_keeps_memory_flat()
    {
        // Four addresses × every port: 262,140 probes that loopback refuses at once (nothing listens on 127.80.0.x), so
        // the scan makes rows far faster than a consumer that takes one every two milliseconds. Many ports on few hosts,
        // not one port on many: the per-host verbose tally goes through the pump too, and would pace a one-port scan.
        var (code, stdout, stderr) = FreshProcess.Run("""
            Import-Module $ModuleManifestPath
            $samples = [Collections.Generic.List[long]]::new()
            $n = 0
            try {
                Find-OpenPort -ComputerName 127.80.0.1, 127.80.0.2, 127.80.0.3, 127.80.0.4 -Port 1-65535 -IncludeClosed -Force -ThrottleLimit 200 | ForEach-Object {
                    $n++
                    if ($n % 400 -eq 0) { $samples.Add([GC]::GetTotalMemory($true)) }
                    if ($n -ge 4000) { throw 'enough' }
                    Start-Sleep -Milliseconds 2
                }
            } catch {
                if ("$_" -ne 'enough') { throw }
            }
            'received {0} heap {1}' -f $n, ($samples -join ',')
            """, timeoutSec: 120);
        Assert.True(code is 0 or 1 && !stderr.Contains("ERROR", StringComparison.Ordinal), $"exit {code}: {stdout}{stderr}");
        var line = stdout.Split('\n').Single(l => l.StartsWith("received ", StringComparison.Ordinal)).Trim().Split(' ');
        Assert.Equal("4000", line[1]);
        var heap = line[3].Split(',').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList();
        // The scanner holds at most RowCapacity (16,384) probes' rows, about 3 MB; the old one held every row the
        // connects made while the consumer slept: about 10 MB every five seconds here.
        var grew = heap.Max() - heap[0];
        Assert.True(grew < 8L * 1024 * 1024, $"the heap grew by {grew / 1048576} MB while a slow consumer read 4,000 rows: {string.Join(", ", heap.Select(h => h / 1048576))} MB");
    }
}
