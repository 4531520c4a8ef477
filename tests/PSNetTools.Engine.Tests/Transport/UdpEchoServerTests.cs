using System.Net;
using System.Net.Sockets;
using System.Text;
using PSNetTools.Transport;
using PSNetTools.Net;
using PSNetTools.Servers;

namespace PSNetTools.Engine.Tests.Transport;

public class UdpEchoServerTests
{
    [Fact]
    public async Task Echoes_datagrams_behind_the_prefix_and_counts_them()
    {
        await using var server = await UdpEchoServer.StartAsync(new UdpEchoServerOptions { ResponsePrefix = "服务器已收到: " });
        using var client = new UdpClient();
        client.Connect(IPAddress.Loopback, server.Port);
        await client.SendAsync(Encoding.UTF8.GetBytes("你好"));
        var reply = await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("服务器已收到: 你好", Encoding.UTF8.GetString(reply.Buffer));
        // The counters are updated just after the reply leaves; the client may read it first.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (server.BytesSent < reply.Buffer.Length && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(1, server.ConnectionsAccepted);
        Assert.Equal(Encoding.UTF8.GetByteCount("你好"), server.BytesReceived);
        Assert.Equal(reply.Buffer.Length, server.BytesSent);
    }

    [Fact]
    public async Task Serves_many_senders_and_ipv6()
    {
        await using var server = await UdpEchoServer.StartAsync(new UdpEchoServerOptions { Address = IPAddress.IPv6Loopback });
        Assert.Equal("[::1]:" + server.Port, server.Endpoint);
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            UdpEchoProbe.ProbeAsync(new ResolvedTarget("::1", IPAddress.IPv6Loopback), new EchoProbeOptions { Port = server.Port, Count = 5 }, default)));
        Assert.All(results, r => Assert.True(r.Value!.AllMatched));
    }

    [Fact]
    public async Task A_taken_port_is_an_error_and_stopping_frees_the_port()
    {
        var server = await UdpEchoServer.StartAsync(new UdpEchoServerOptions());
        var ex = await Assert.ThrowsAsync<ServerStartException>(() => UdpEchoServer.StartAsync(new UdpEchoServerOptions { Port = server.Port }));
        Assert.Contains(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        await server.StopAsync();
        await using var again = await UdpEchoServer.StartAsync(new UdpEchoServerOptions { Port = server.Port });
        Assert.Equal(nameof(ServerState.Running), again.State);
    }

    [Fact]
    public async Task A_sender_that_vanished_does_not_stop_the_server()
    {
        await using var server = await UdpEchoServer.StartAsync(new UdpEchoServerOptions());
        // Sends then closes at once: the echo meets "port unreachable", which the server must shrug off.
        for (var i = 0; i < 20; i++)
        {
            using var gone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            gone.SendTo("bye"u8.ToArray(), new IPEndPoint(IPAddress.Loopback, server.Port));
        }
        await Task.Delay(200);
        var r = await UdpEchoProbe.ProbeAsync(new ResolvedTarget("127.0.0.1", IPAddress.Loopback), new EchoProbeOptions { Port = server.Port, Count = 3 }, default);
        Assert.True(r.Value!.AllMatched);
        Assert.Equal(nameof(ServerState.Running), server.State);
    }
}
