using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scanning;

/// <summary>
/// Issue 10 item 16: every cmdlet that fans out over blocks and ranges refuses 127.0.0.0/8 (16,777,216 addresses)
/// with ScanTooLarge before it sends anything. A listener on 127.0.0.1 (the second address of the block) counts what
/// reached it: a broken guard would connect there at once, and only ever to loopback.
/// </summary>
public sealed class ScanSizeGuardTests : IDisposable
{
    private readonly TcpListener _tcp = new(IPAddress.Loopback, 0);
    private readonly Socket _udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly int _port;

    public ScanSizeGuardTests()
    {
        _tcp.Start();
        _port = ((IPEndPoint)_tcp.LocalEndpoint).Port;
        _udp.Bind(new IPEndPoint(IPAddress.Loopback, _port));
    }

    public void Dispose()
    {
        _tcp.Stop();
        _udp.Dispose();
    }

    [Theory]
    [InlineData("Find-OpenPort 127.0.0.0/8 -Port {0}")]
    [InlineData("Test-Ping 127.0.0.0/8 -Count 1")]
    [InlineData("Test-TcpEcho 127.0.0.0/8 -Port {0}")]
    [InlineData("Test-UdpEcho 127.0.0.0/8 -Port {0}")]
    [InlineData("Send-TcpMessage 127.0.0.0/8 -Port {0} -Message hi")]
    [InlineData("Send-UdpMessage 127.0.0.0/8 -Port {0} -Message hi")]
    [InlineData("Get-TlsCertificate 127.0.0.0/8 -Port {0}")]
    [InlineData("'127.0.0.0/9', '127.128.0.0/9' | Test-Ping -Count 1")]
    public void A_slash_8_is_refused_before_anything_is_sent(string command)
    {
        var r = Ps.Run(string.Format(System.Globalization.CultureInfo.InvariantCulture, command, _port), timeoutSec: 20);
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("ScanTooLarge,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        // A /8 is 16,777,214 host addresses; two /9s are 2 × 8,388,606.
        Assert.Matches(@"16,777,21[24] probes", error.Exception.Message);
        Assert.Contains("limit of 65,536", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("-Force", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Contains("-Force", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Empty(r.Output);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(10), $"took {r.Elapsed}");
        Assert.False(_tcp.Pending(), "a connection reached 127.0.0.1");
        Assert.Equal(0, _udp.Available);
    }

    [Fact]
    public void Ports_multiply_the_count()
    {
        // 254 host addresses × 300 ports = 76,200 probes.
        var r = Ps.Run($"Test-TcpEcho 127.0.0.0/24 -Port 1-300", timeoutSec: 20);
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("ScanTooLarge,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("254 addresses × 300 ports", error.Exception.Message, StringComparison.Ordinal);
        Assert.False(_tcp.Pending());
    }

    // The fan-out cmdlets, found through Get-Command rather than from a list (one added later is checked too), and
    // the arguments each gets: 127.0.0.0/8 and those of the wanted parameters it has (a port, a message, one ping).
    private const string FanOutCmdlets = """
        $fanOut = Get-Command -Module PSNetTools -CommandType Cmdlet | Where-Object {
            $_.Parameters.Values | Where-Object { ($_.Name -eq 'ComputerName' -or $_.Aliases -contains 'ComputerName') -and $_.ParameterType.IsArray } }
        function ArgumentsFor($Cmdlet, [hashtable] $Wanted) {
            $a = @{ ComputerName = '127.0.0.0/8' }
            foreach ($p in $Wanted.GetEnumerator()) { if ($Cmdlet.Parameters.ContainsKey($p.Key)) { $a[$p.Key] = $p.Value } }
            $a
        }

        """;

    [Fact]
    public void Every_cmdlet_that_takes_a_list_of_targets_refuses_a_slash_8_and_has_Force()
    {
        var r = Ps.Run(FanOutCmdlets + $$"""
            foreach ($c in $fanOut) {
                $a = ArgumentsFor $c @{ Port = {{_port}}; Count = 1; Message = 'hi' }
                $out = @(); $e = @()
                try { $out = @(& $c.Name @a -ErrorAction Stop) } catch { $e = @($_) }
                '{0}|{1}|{2}|{3}' -f $c.Name, $c.Parameters.ContainsKey('Force'), $out.Count, (($e | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) -join ',')
            }
            """, timeoutSec: 60);
        var rows = r.Output.Select(o => o.BaseObject.ToString()!.Split('|')).ToList();
        // The seven of today at least; more is fine as long as each one is guarded.
        Assert.Superset(new HashSet<string> { "Find-OpenPort", "Test-Ping", "Test-TcpEcho", "Test-UdpEcho", "Send-TcpMessage", "Send-UdpMessage", "Get-TlsCertificate" },
            rows.Select(row => row[0]).ToHashSet());
        Assert.All(rows, row => Assert.Equal([row[0], "True", "0", "ScanTooLarge"], row));
        Assert.False(_tcp.Pending(), "a connection reached 127.0.0.1");
        Assert.Equal(0, _udp.Available);
    }

    [Fact]
    public void Force_runs_a_block_over_the_limit_in_every_cmdlet_that_takes_a_list_of_targets()
    {
        // -Force must lift the guard, not only be accepted: each cmdlet starts on 127.0.0.0/8 and its first answer
        // (a row, or that target's error under -ErrorAction Stop) ends the run. Loopback only, whatever happens.
        var r = Ps.Run(FanOutCmdlets + $$"""
            foreach ($c in $fanOut) {
                # -IncludeClosed: Find-OpenPort writes open ports only, and on a loaded machine the connect to the
                # listener can outlast 0.5 s; 127.0.0.1 then counted as filtered and the scan went on through the
                # other 16 million addresses (a CI run's 120 s hang).
                $a = ArgumentsFor $c @{ Force = $true; Port = {{_port}}; Count = 1; Message = 'hi'; TimeoutSec = 0.5; ReadTimeoutSec = 0.5; IncludeClosed = $true }
                $first = try { & $c.Name @a -ErrorAction Stop | Select-Object -First 1 | ForEach-Object { 'row ' + $_.PSObject.Properties.Value[0] } }
                    catch { $_.FullyQualifiedErrorId.Split(',')[0] + ' ' + $_.TargetObject }
                '{0}|{1}' -f $c.Name, $first
            }
            """, timeoutSec: 120);
        Assert.Null(r.Terminating);
        Assert.True(r.Output.Count >= 7, string.Join(", ", r.Output));
        // The first host of the block answered (127.0.0.1: a row, or its own Timeout/ConnectionRefused).
        Assert.All(r.Output, o => Assert.Matches(@"^[\w-]+\|(row 127\.0\.0\.1$|\w+ 127\.0\.0\.1:)", o.BaseObject.ToString()));
    }
}
