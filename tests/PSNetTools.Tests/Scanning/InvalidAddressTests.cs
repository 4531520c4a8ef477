using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scanning;

/// <summary>
/// Issue 10 item 16: what looks like an IPv4 address but is not one (256.0.0.1, 1.2.3, 1.2.3.4.5...) is an invalid
/// target in every fan-out cmdlet, never a name sent to DNS nor another address. Run in a network namespace of its
/// own whose resolver is a spy on loopback: the spy's log proves no resolver was asked, and even a broken parser could
/// send nothing off the machine (the old one read 1.2.3 as 1.2.0.3).
/// </summary>
public class InvalidAddressTests
{
    private static readonly string[] Cmdlets =
        ["Find-OpenPort", "Test-Ping", "Test-TcpEcho", "Test-UdpEcho", "Send-TcpMessage", "Send-UdpMessage", "Get-TlsCertificate"];

    [Fact]
    public void Dotted_numbers_that_are_not_IPv4_are_InvalidTarget_without_any_DNS_query()
    {
        var (code, stdout, stderr, queries) = FreshProcess.RunIsolated("""
            Import-Module $ModuleManifestPath
            $targets = '256.0.0.1', '1.2.3', '1.2.3.4.5', '127.0.0.256', '2130706433', '010.0.0.1'
            $runs = [ordered]@{
                'Find-OpenPort'      = { Find-OpenPort $targets -Port 9 -TimeoutSec 0.2 -IncludeClosed }
                'Test-Ping'          = { Test-Ping $targets -Count 1 -TimeoutSec 0.2 }
                'Test-TcpEcho'       = { Test-TcpEcho $targets -Port 9 -TimeoutSec 0.2 }
                'Test-UdpEcho'       = { Test-UdpEcho $targets -Port 9 -TimeoutSec 0.2 }
                'Send-TcpMessage'    = { Send-TcpMessage $targets -Port 9 -Message hi -TimeoutSec 0.2 -ReadTimeoutSec 0.2 }
                'Send-UdpMessage'    = { Send-UdpMessage $targets -Port 9 -Message hi -ReadTimeoutSec 0.2 }
                'Get-TlsCertificate' = { Get-TlsCertificate $targets -Port 9 -TimeoutSec 0.2 }
            }
            foreach ($name in $runs.Keys) {
                $watch = [Diagnostics.Stopwatch]::StartNew()
                foreach ($item in @(& $runs[$name] 2>&1)) {
                    if ($item -is [System.Management.Automation.ErrorRecord]) {
                        'err|{0}|{1}|{2}|{3}' -f $name, $item.FullyQualifiedErrorId.Split(',')[0], $item.TargetObject, $item.Exception.Message
                    } else { 'out|{0}|{1}' -f $name, $item }
                }
                'ms|{0}|{1}' -f $name, $watch.ElapsedMilliseconds
            }
            """, timeoutSec: 120);
        Assert.True(code == 0, $"exit code {code}: {stdout}{stderr}");
        Assert.Empty(queries);
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, l => l.StartsWith("out|", StringComparison.Ordinal));
        foreach (var cmdlet in Cmdlets)
        {
            var errors = lines.Where(l => l.StartsWith($"err|{cmdlet}|", StringComparison.Ordinal)).Select(l => l.Split('|')).ToList();
            Assert.Equal(6, errors.Count);
            Assert.All(errors, e =>
            {
                Assert.Equal("InvalidTarget", e[2]);
                Assert.Contains("is not a valid IPv4 address", e[4], StringComparison.Ordinal);
            });
            var ms = long.Parse(lines.Single(l => l.StartsWith($"ms|{cmdlet}|", StringComparison.Ordinal)).Split('|')[2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(ms < 5000, $"{cmdlet} took {ms} ms to refuse six invalid addresses");
        }
    }
}
