using System.Globalization;
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
        PeerProcess.Run("prlimit", $"--pid {server.Pid} --nofile=1024:1024");
        using (var idle = HostilePeer.Start("http_client.py", "idle", "127.0.0.1", server.Port.ToString(CultureInfo.InvariantCulture), "3000", "5"))
        {
            // On a loaded machine a few connects may fail (a full backlog): the count held is what is checked.
            var open = idle.ReadJson(120).GetProperty("open").GetInt32();
            Assert.True(open >= 2500, $"only {open} of 3,000 connections opened");
            Assert.True(server.IsAlive, server.Output);
            // 1,024 less a reserve of 256 for the runtime and the session: 768 held, the rest closed at once.
            var closed = idle.ReadJson(60).GetProperty("closed_by_server").GetInt32();
            Assert.InRange(open - closed, 700, 800);
        }
        Assert.True(server.IsAlive, server.Output);
        using var client = new TcpClient("127.0.0.1", server.Port);
        var stream = client.GetStream();
        stream.Write("ping"u8);
        var buffer = new byte[4];
        stream.ReadTimeout = 10_000;
        stream.ReadExactly(buffer);
        Assert.Equal("ping", Encoding.ASCII.GetString(buffer));
    }
}
