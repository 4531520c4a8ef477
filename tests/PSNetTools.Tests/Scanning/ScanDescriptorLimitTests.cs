using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scanning;

/// <summary>
/// Issue 10 ("whatever the cause, the session survives"): each connect slot of Find-OpenPort holds a socket while its
/// connect is in flight, and -ThrottleLimit goes up to 20,000. In a session whose open-file limit is lower the sockets
/// ran out, and the process died: before issue 10 of an unhandled SocketException (EMFILE) on a thread-pool thread,
/// after it of "Out of memory." (the runtime could not start a thread). The scan now runs as many connects at once as
/// the limit leaves it, says so, and answers every probe. In a child process, so that a crash fails the test.
/// </summary>
public sealed class ScanDescriptorLimitTests
{
    [Fact]
    public void More_connects_at_once_than_the_open_file_limit_leaves_slow_the_scan_instead_of_killing_the_session()
    {
        var port = Loopback.FreeTcpPort();
        // A listener that never accepts: past its backlog of one, every connect stays in flight until the timeout.
        using var peer = PeerProcess.Start("python3", $"tests/peers/hostile/never_accept.py {port}", port);
        var (code, stdout, stderr) = FreshProcess.Run($$"""
            prlimit --pid $PID --nofile=1024:1024
            Import-Module $ModuleManifestPath
            $all = @(Find-OpenPort (@('127.0.0.1') * 3000) -Port {{port}} -ThrottleLimit 3000 -TimeoutSec 2 -IncludeClosed -Verbose 4>&1)
            'rows ' + @($all | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }).Count
            $all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Select-Object -First 1 | ForEach-Object { 'verbose ' + $_.Message }
            'survived'
            """, timeoutSec: 180);
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.True(code == 0 && lines.Contains("survived"), $"exit code {code}: {stdout}{stderr}");
        Assert.Contains("rows 3000", lines);
        // 1,024 less the reserve of 256 left to the runtime and the session.
        Assert.Contains("verbose 3,000 connects at once would take more sockets than the open-file limit (1,024, ulimit -n) leaves this scan: 768 at once.", lines);
    }
}
