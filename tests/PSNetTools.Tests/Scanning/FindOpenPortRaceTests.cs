using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scanning;

/// <summary>
/// Issue 10 item 3: with a timeout of a few milliseconds, connects to a peer that accepts and closes at once finish
/// at the very moment the expiry sweep aborts them. The old slots then touched the disposed socket on a thread-pool
/// thread and the whole process died with an unhandled ObjectDisposedException, so this runs in a child process.
/// </summary>
public class FindOpenPortRaceTests
{
    [Fact]
    public void Connects_racing_the_timeout_sweep_do_not_crash_the_process()
    {
        const int addresses = 4096;
        var port = Loopback.FreeTcpPort();
        using var peer = PeerProcess.Start("python3", $"tests/peers/hostile/accept_and_close.py {port} {addresses}", port, timeoutSec: 30);
        // 127.0.0.0/20 is 4,096 loopback addresses, 4,094 of them hosts (no network or broadcast address); 4,095 (127.0.0.1 up) listen. Twelve scans, timeouts around
        // the latency the load produces: the old code crashed in most single runs of this.
        var (code, stdout, stderr) = FreshProcess.Run($$"""
            Import-Module $ModuleManifestPath
            foreach ($t in 0.01, 0.02, 0.03, 0.05, 0.01, 0.02, 0.03, 0.05, 0.01, 0.02, 0.03, 0.05) {
                $rows = @(Find-OpenPort 127.0.0.0/20 -Port {{port}} -TimeoutSec $t -IncludeClosed)
                'scan {0} rows {1}' -f $t, $rows.Count
            }
            'survived'
            """, timeoutSec: 300);
        Assert.True(code == 0, $"exit code {code}: {stdout}{stderr}");
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("survived", lines);
        // Every probe is answered exactly once, open, closed or filtered: no row lost or doubled by the race.
        Assert.All(lines.Where(l => l.StartsWith("scan ", StringComparison.Ordinal)), l => Assert.EndsWith($"rows {addresses - 2}", l, StringComparison.Ordinal));
    }
}
