using System.Net;
using System.Net.Sockets;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scanning;

public class FindOpenPortTests
{
    [Fact]
    public void Streams_open_ports_with_service_names_and_takes_hosts_from_the_pipeline()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var r = Ps.Run($$"""
            '127.0.0.1' | Find-OpenPort -Port "{{port}},{{port - 1}}"
            [pscustomobject]@{ CN = 'localhost' } | Find-OpenPort -Port {{port}} | Where-Object State -eq 'Open'
            """);
        r.AssertNoErrors();
        Assert.Equal(2, r.Output.Count);
        Assert.All(r.Output, o => Assert.Equal(port, (int)PsResult.Prop(o, "Port")!));
        Assert.Equal(["127.0.0.1", "localhost"], r.Output.Select(o => (string)PsResult.Prop(o, "ComputerName")!));
    }

    [Fact]
    public void IncludeClosed_reports_closed_ports_with_their_state()
    {
        var r = Ps.Run("""
            $s = Start-TcpEchoServer
            $rows = @(Find-OpenPort 127.0.0.1-127.0.0.4 -Port $s.Port -IncludeClosed)
            foreach ($state in 'Open', 'Closed') { '{0}={1}' -f $state, @($rows | Where-Object { $_.State -eq $state }).Count }
            $s | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.Equal(["Closed=3", "Open=1"], r.Output.Select(o => o.BaseObject.ToString()).Order());
    }

    [Fact]
    public void Without_port_the_common_ports_are_scanned()
    {
        var r = Ps.Run("@(Find-OpenPort 127.0.0.1 -IncludeClosed).Count");
        r.AssertNoErrors();
        Assert.Equal(100, (int)r.One().BaseObject);
    }

    [Fact]
    public void A_scan_over_65536_probes_needs_force_and_sends_nothing_without_it()
    {
        var r = Ps.Run("Find-OpenPort 127.0.0.0/8 -Port 80", timeoutSec: 10);
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("ScanTooLarge", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("-Force", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Empty(r.Output);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(5));
        var exactly = Ps.Run("Find-OpenPort 127.0.0.1 -Port 1-65535 | Where-Object Port -eq 0", timeoutSec: 60);
        Assert.Empty(exactly.Errors); // 65,535 probes: allowed without -Force
    }

    [Fact]
    public void Bad_targets_are_non_terminating_and_the_rest_is_scanned()
    {
        var r = Ps.Run("""
            $s = Start-TcpEchoServer
            Find-OpenPort 'not-a-cidr/99', 'no-such-host.invalid', 127.0.0.1 -Port $s.Port
            $s | Stop-NetServer
            """);
        Assert.Single(r.Output);
        Assert.Equal(["HostNotResolved", "InvalidTarget"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).Order());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("abc")]
    [InlineData("'10-5'")]
    public void Bad_ports_are_parameter_errors(string port)
    {
        var r = Ps.Run($"Find-OpenPort 127.0.0.1 -Port {port}", timeoutSec: 20);
        Assert.StartsWith("ParameterArgumentTransformationError", Assert.Single(r.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_is_reported_and_completed()
    {
        var r = Ps.Run("Find-OpenPort 127.0.0.1-127.0.0.3 -Port 1-65535 -Force -TimeoutSec 0.5 | Where-Object Port -eq 0", timeoutSec: 120);
        r.AssertNoErrors();
        Assert.NotEmpty(r.Progress);
        Assert.Contains(r.Progress, p => p.StatusDescription.Contains("probes", StringComparison.Ordinal));
        Assert.Equal(System.Management.Automation.ProgressRecordType.Completed, r.Progress[^1].RecordType);
    }

    [Fact]
    public void Ctrl_c_stops_a_big_scan_within_a_second()
    {
        var r = Ps.RunAndStop("Find-OpenPort 127.0.0.0/16 -Port 1-1024 -Force", TimeSpan.FromSeconds(1));
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(2.5), $"took {r.Elapsed}");
    }

    [Fact]
    public void Select_first_stops_the_scan()
    {
        var r = Ps.Run("""
            $s = Start-TcpEchoServer
            $t = [Diagnostics.Stopwatch]::StartNew()
            Find-OpenPort 127.0.0.0/16 -Port $s.Port -Force | ForEach-Object -Begin { $n = 0 } -Process { $_; if (++$n -ge 1) { $t.ElapsedMilliseconds; break } }
            """, timeoutSec: 30);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(10), $"took {r.Elapsed}");
    }
}
