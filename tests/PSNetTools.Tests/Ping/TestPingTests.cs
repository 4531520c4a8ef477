using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Ping;

public class TestPingTests
{
    [Fact]
    public void The_issue_example_gives_one_summary_per_host()
    {
        var r = Ps.Run("Test-Ping 127.0.0.1, ::1, localhost -Count 2 -IntervalSec 0.2 -Verbose");
        r.AssertNoErrors();
        Assert.Equal(["127.0.0.1", "::1", "localhost"], r.Output.Select(o => (string)PsResult.Prop(o, "ComputerName")!).Order(StringComparer.Ordinal));
        Assert.All(r.Output, o => Assert.Equal((2, 0.0), ((int)PsResult.Prop(o, "Received")!, (double)PsResult.Prop(o, "LossPercent")!)));
        Assert.Contains(r.Verbose, v => v.Message.Contains("raw ICMP socket", StringComparison.Ordinal));
    }

    [Fact]
    public void Hosts_from_the_pipeline_by_value_and_property_name()
    {
        var r = Ps.Run("""
            '127.0.0.1', '127.0.0.2' | Test-Ping -Count 1
            [pscustomobject]@{ HostName = '127.0.0.3' } | Test-Ping -Count 1 | Where-Object Status -eq 'Success'
            """);
        r.AssertNoErrors();
        Assert.Equal(["127.0.0.1", "127.0.0.2", "127.0.0.3"], r.Output.Select(o => (string)PsResult.Prop(o, "Address")!).Order());
    }

    [Fact]
    public void Quiet_answers_per_host_in_the_order_given()
    {
        var r = Ps.Run("Test-Ping 127.0.0.9, 'no-such-host.invalid', ::1, 127.0.0.1-127.0.0.2 -Count 1 -Quiet");
        Assert.Empty(r.Errors);
        Assert.Equal([true, false, true, true, true], r.Output.Select(o => (bool)o.BaseObject));
    }

    [Fact]
    public void Continuous_streams_replies_until_ctrl_c()
    {
        var r = Ps.RunAndStop("Test-Ping 127.0.0.1 -Continuous -IntervalSec 0.1", TimeSpan.FromSeconds(1.5));
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(3), $"took {r.Elapsed}");
        Assert.True(r.Output.Count >= 5, $"{r.Output.Count} replies");
        Assert.All(r.Output, o => Assert.Equal("Success", PsResult.Prop(o, "Status")!.ToString()));
        Assert.Equal("PSNetTools.Ping.PingReply", r.Output[0].BaseObject.GetType().FullName);
    }

    [Fact]
    public void Bad_targets_are_non_terminating()
    {
        var r = Ps.Run("Test-Ping 'no-such-host.invalid', '10.0.0.0/99', 127.0.0.1 -Count 1");
        Assert.Single(r.Output);
        Assert.Equal(["HostNotResolved", "InvalidTarget"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).Order());
    }

    [Theory]
    [InlineData("-Count 0")]
    [InlineData("-BufferSize -1")]
    [InlineData("-BufferSize 70000")]
    [InlineData("-Ttl 0")]
    [InlineData("-IntervalSec 0")]
    [InlineData("-TimeoutSec abc")]
    [InlineData("-Continuous -Quiet")]
    public void Bad_parameters_are_parameter_errors(string parameters)
    {
        var r = Ps.Run($"Test-Ping 127.0.0.1 {parameters}", timeoutSec: 20);
        var error = Assert.Single(r.Errors);
        // Parameter binding fails before any packet is sent: validation (InvalidData), conversion or set resolution (InvalidArgument).
        Assert.IsAssignableFrom<System.Management.Automation.ParameterBindingException>(error.Exception);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void Without_icmp_rights_it_warns_once_and_still_pings()
    {
        var (exit, stdout, stderr) = FreshProcess.RunAsNobody("""
            Import-Module $ModuleManifestPath
            Test-Ping 127.0.0.1, ::1 -Count 2 -IntervalSec 0.2 -Verbose | ForEach-Object { 'received ' + $_.Received }
            try { Test-Ping 127.0.0.1 -Count 1 -BufferSize 100 -ErrorAction Stop } catch { 'id: ' + $_.FullyQualifiedErrorId; $_.Exception.Message; 'advice: ' + $_.ErrorDetails.RecommendedAction }
            """, timeoutSec: 90);
        var all = stdout + stderr;
        Assert.True(exit is 0 or 1, all); // 1: pshost reports the -BufferSize error in its exit code
        Assert.Equal(2, stdout.Split('\n').Count(l => l.Trim() == "received 2"));
        Assert.Equal(2, all.Split("may not open ICMP sockets").Length - 1); // once per Test-Ping call
        Assert.Contains("system ping", all, StringComparison.Ordinal);
        // The engine's words name no parameter; the advice about -BufferSize is the cmdlet layer's (ErrorAdvice).
        Assert.Contains("only the default payload of 32 bytes", all, StringComparison.Ordinal);
        Assert.Contains("id: PingPayloadUnsupported", stdout, StringComparison.Ordinal);
        Assert.Contains("advice: Leave -BufferSize at its default (32)", stdout, StringComparison.Ordinal);
    }
}
