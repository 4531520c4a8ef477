using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Transport;

/// <summary>
/// Issue 10 item 12: a peer whose reply never ends took 4.3 GB before "Stream was too long". Now the reply is capped
/// at -MaxReplyBytes (16 MB by default) and the peak memory of a child process stays bounded. The hostile peer stops
/// at 256 MB per client, so the old client fails this test instead of taking the machine's memory.
/// </summary>
public class ReplyLimitTests
{
    [Theory]
    [InlineData("tcp", "Send-TcpMessage")]
    [InlineData("udp", "Send-UdpMessage")]
    public void An_endless_reply_stops_at_the_default_limit_with_memory_bounded(string mode, string cmdlet)
    {
        var port = Loopback.FreeTcpPort();
        using var peer = PeerProcess.Start("python3", $"tests/peers/hostile/endless_reply.py {mode} {port} {256 << 20}", port);
        var (code, stdout, stderr) = FreshProcess.Run($$"""
            Import-Module $ModuleManifestPath
            function hwm { [long](([IO.File]::ReadAllLines('/proc/self/status') | Where-Object { $_ -like 'VmHWM*' }) -replace '\D', '') * 1024 }
            # Warm up every code path with a small limit first, so what grows after is the reply alone.
            $null = {{cmdlet}} 127.0.0.1 -Port {{port}} -Message warm -MaxReplyBytes 100000 -QuietPeriodSec 2 -ErrorAction SilentlyContinue
            [GC]::Collect()
            $before = hwm
            $rows = @({{cmdlet}} 127.0.0.1 -Port {{port}} -Message hello -QuietPeriodSec 2 -ErrorAction SilentlyContinue -ErrorVariable e)
            'grew {0}' -f ((hwm) - $before)
            'rows {0}' -f $rows.Count
            foreach ($x in $e) { 'err|{0}|{1}|{2}' -f $x.FullyQualifiedErrorId.Split(',')[0], $x.Exception.Message, $x.ErrorDetails.RecommendedAction }
            """, timeoutSec: 180);
        // The host exits with 1 when the script wrote errors (it does: ReplyTooLarge); a crash would be another code.
        Assert.True(code is 0 or 1 && stdout.Contains("rows ", StringComparison.Ordinal), $"exit code {code}: {stdout}{stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var grew = long.Parse(lines.Single(l => l.StartsWith("grew ", StringComparison.Ordinal))[5..], System.Globalization.CultureInfo.InvariantCulture);
        // 16 MB kept at most (plus the buffers the stream outgrew); the old client held the whole 256 MB, and more.
        Assert.True(grew < 100L << 20, $"peak memory grew by {grew >> 20} MB: {stdout}");
        Assert.Contains("rows 0", lines);
        var error = Assert.Single(lines, l => l.StartsWith("err|", StringComparison.Ordinal)).Split('|');
        Assert.Equal("ReplyTooLarge", error[1]);
        Assert.Contains("16,777,216 bytes", error[2], StringComparison.Ordinal);
        Assert.Contains("MaxReplyBytes", error[2], StringComparison.Ordinal);
        Assert.Contains("-MaxReplyBytes", error[3], StringComparison.Ordinal);
    }
}
