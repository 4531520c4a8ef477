using System.Net.Sockets;
using System.Text;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Transport;

/// <summary>
/// Issue 10 item 4 for the TCP echo server: past the open-file limit (`ulimit -n`), a process whose runtime cannot get
/// a descriptor to start a thread aborts ("Out of memory.", exit 134). The HTTP servers keep their connections within
/// the process's descriptor budget; so must Start-TcpEchoServer, whose own cap (10,000) is far above a common limit.
/// </summary>
public sealed class TcpEchoServerDescriptorTests
{
    [Fact]
    public void Under_a_low_open_file_limit_connections_past_the_budget_are_closed_and_the_session_lives()
    {
        using var server = ServerProcess.Start("Start-TcpEchoServer -Port 0");
        // Over the budget the echo server closes a client at once.
        OpenFileLimit.FloodUnder1024(server);
        using var client = new TcpClient("127.0.0.1", server.Port);
        var stream = client.GetStream();
        stream.Write("ping"u8);
        var buffer = new byte[4];
        stream.ReadTimeout = 10_000;
        stream.ReadExactly(buffer);
        Assert.Equal("ping", Encoding.ASCII.GetString(buffer));
    }
}
