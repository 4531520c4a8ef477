using System.Net.Sockets;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Infrastructure;

/// <summary>The async cmdlet base: output streams while work goes on, Ctrl+C and downstream failures stop the work.</summary>
public class AsyncCmdletTests
{
    [Fact]
    public void CtrlC_on_a_foreground_server_returns_within_a_second_and_frees_the_port()
    {
        var port = FreeTcpPort.Next();
        var r = Ps.RunAndStop($"Start-TcpEchoServer -Port {port} -Wait", TimeSpan.FromSeconds(2));
        // The server object was written before the wait began: output streams while the cmdlet still runs.
        Assert.Equal(port, (int)PsResult.Prop(r.One(), "Port")!);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(4), $"took {r.Elapsed}");
        using var again = new TcpListener(System.Net.IPAddress.Loopback, port);
        again.Start(); // throws if the stopped server still held the port
    }

    [Fact]
    public void A_failing_downstream_command_stops_the_work()
    {
        var port = FreeTcpPort.Next();
        var r = Ps.Run($"Start-TcpEchoServer -Port {port} -Wait | ForEach-Object {{ throw 'downstream gave up' }}", timeoutSec: 20);
        Assert.NotNull(r.Terminating);
        Assert.Contains("downstream gave up", r.Terminating!.Message, StringComparison.Ordinal);
        var listed = Ps.Run($"Get-NetServer | Where-Object Port -eq {port}");
        Assert.Empty(listed.Output);
        using var again = new TcpListener(System.Net.IPAddress.Loopback, port);
        again.Start();
    }

    [Fact]
    public void Terminating_errors_from_the_work_keep_a_stable_error_id()
    {
        using var blocker = new TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;
        var r = Ps.Run($"Start-TcpEchoServer -Port {port}");
        // A cmdlet's terminating error ends its statement and lands in the error stream.
        var record = Assert.Single(r.Errors);
        Assert.Empty(r.Output);
        Assert.StartsWith("PortInUse", record.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), record.Exception.Message, StringComparison.Ordinal);
    }
}
