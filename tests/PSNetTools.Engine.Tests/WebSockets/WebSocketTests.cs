using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using PSNetTools.Servers;
using PSNetTools.WebSockets;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.WebSockets;

public sealed class WebSocketTests
{
    private static Task<WebSocketSession> Connect(string url, double timeoutSec = 10, params string[] subprotocols) =>
        WebSocketSession.ConnectAsync(new WebSocketClientOptions { Uri = new Uri(url), TimeoutSec = timeoutSec, Subprotocols = subprotocols });

    private static async Task Round_trips(string url)
    {
        await using var session = await Connect(url);
        for (var i = 0; i < 200; i++)
        {
            var text = $"message {i} 你好 😀";
            var x = await session.ExchangeAsync(i + 1, text, binary: i % 2 == 1, noResponse: false);
            Assert.Equal(text, x.Received);
            Assert.Equal(i % 2 == 1 ? "Binary" : "Text", x.MessageType);
            Assert.Equal(Encoding.UTF8.GetByteCount(text), x.ReceivedBytes);
        }
        var empty = await session.ExchangeAsync(0, "", binary: false, noResponse: false);
        Assert.Equal("", empty.Received);
        var big = new string('x', 900_000);
        Assert.Equal(big, (await session.ExchangeAsync(0, big, binary: true, noResponse: false)).Received);
        Assert.Equal(202, session.MessagesReceived);
        await session.CloseAsync();
        Assert.Equal("Closed", session.State);
        Assert.Equal("NormalClosure", session.CloseStatus);
    }

    [Fact]
    public async Task Text_and_binary_round_trip_with_npm_ws()
    {
        var (peer, url) = RpcPeers.NodeWsEcho();
        using (peer) await Round_trips(url);
    }

    [Fact]
    public async Task Text_and_binary_round_trip_with_python_websockets()
    {
        var (peer, url) = RpcPeers.PythonWsEcho();
        using (peer) await Round_trips(url);
    }

    [Fact]
    public async Task Text_and_binary_round_trip_with_our_server()
    {
        await using var server = await WebSocketEchoServer.StartAsync(new WebSocketEchoServerOptions { Port = 0 });
        await Round_trips(server.Endpoint);
        Assert.Equal(1, server.ConnectionsAccepted);
    }

    [Fact]
    public async Task Python_websockets_client_against_our_server()
    {
        RpcPeers.RequirePythonWebsockets();
        await using var server = await WebSocketEchoServer.StartAsync(new WebSocketEchoServerOptions { Port = 0 });
        var (exit, output) = RpcPeers.Run(RpcPeers.SystemPython, $"wsecho.py bench {server.Endpoint} 500");
        Assert.True(exit == 0, output);
        Assert.Contains("500 round trips", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subprotocol_is_negotiated_with_ws_and_our_server()
    {
        var (peer, url) = RpcPeers.NodeWsEcho();
        using (peer)
        {
            await using var session = await Connect(url, 10, "echo");
            Assert.Equal("echo", session.Subprotocol);
        }
        await using var server = await WebSocketEchoServer.StartAsync(new WebSocketEchoServerOptions { Port = 0 });
        await using var ours = await Connect(server.Endpoint, 10, "chat", "other");
        Assert.Equal("chat", ours.Subprotocol);
    }

    [Fact]
    public async Task Prefix_is_added_to_text_and_binary()
    {
        await using var server = await WebSocketEchoServer.StartAsync(new WebSocketEchoServerOptions { Port = 0, ResponsePrefix = "服务器已收到: " });
        await using var session = await Connect(server.Endpoint);
        Assert.Equal("服务器已收到: hi", (await session.ExchangeAsync(1, "hi", false, false)).Received);
        var binary = await session.ExchangeAsync(2, "b", true, false);
        Assert.Equal(("Binary", "服务器已收到: b"), (binary.MessageType, binary.Received));
    }

    [Fact]
    public async Task Server_gone_mid_session_is_a_closed_connection_not_a_hang()
    {
        var (peer, url) = RpcPeers.NodeWsEcho();
        using (peer)
        {
            await using var session = await Connect(url);
            try
            {
                await session.SendTextAsync("close-now");
            }
            catch (WebSocketException sending) when (sending.Message.Contains("closed", StringComparison.Ordinal))
            {
                // The server ends the connection the moment the message arrives; on a loaded machine that reaches the
                // client before its send has finished (ClientWebSocket then reports the send itself as closed: one CI run).
            }
            var ex = await Assert.ThrowsAsync<WebSocketException>(() => session.ReceiveAsync(10));
            Assert.Contains("closed", ex.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<WebSocketException>(() => session.ExchangeAsync(1, "after", false, false));
        }
        // Killed outright: the process is gone, no close frame.
        var (peer2, url2) = RpcPeers.NodeWsEcho();
        await using var orphan = await Connect(url2);
        peer2.Dispose();
        await Assert.ThrowsAsync<WebSocketException>(() => orphan.ReceiveAsync(10));
    }

    [Fact]
    public async Task Oversized_messages_close_with_1009_both_ways()
    {
        var (peer, url) = RpcPeers.NodeWsEcho();
        using (peer)
        {
            await using var session = await Connect(url);
            await Assert.ThrowsAsync<WebSocketException>(() => session.ExchangeAsync(1, new string('x', 2 * 1024 * 1024), true, false));
            Assert.Equal("MessageTooBig", session.CloseStatus);
        }
        await using var server = await WebSocketEchoServer.StartAsync(new WebSocketEchoServerOptions { Port = 0, MaxMessageBytes = 1000 });
        await using var ours = await Connect(server.Endpoint);
        await Assert.ThrowsAsync<WebSocketException>(() => ours.ExchangeAsync(1, new string('x', 5000), false, false));
        Assert.Equal("MessageTooBig", ours.CloseStatus);
        // And our client refuses what is too big for it.
        await using var small = await WebSocketSession.ConnectAsync(new WebSocketClientOptions { Uri = new Uri(server.Endpoint), MaxMessageBytes = 10 });
        await small.SendTextAsync("0123456789abcdef");
        await Assert.ThrowsAsync<WebSocketException>(() => small.ReceiveAsync(10));
        Assert.Contains("larger than 10 bytes", small.LastError, StringComparison.Ordinal);
        Assert.Equal(nameof(ServerState.Running), server.State);
    }

    [Fact]
    public async Task A_receive_timeout_keeps_the_session()
    {
        await using var server = await WebSocketEchoServer.StartAsync(new WebSocketEchoServerOptions { Port = 0 });
        await using var session = await Connect(server.Endpoint);
        await Assert.ThrowsAsync<TimeoutException>(() => session.ReceiveAsync(0.3));
        Assert.Equal("ok", (await session.ExchangeAsync(1, "ok", false, false)).Received);
    }

    [Fact]
    public async Task Misbehaving_clients_do_not_hurt_the_server()
    {
        await using var server = await WebSocketEchoServer.StartAsync(new WebSocketEchoServerOptions { Port = 0, IdleTimeoutSec = 1 });
        using var http = new HttpClient();
        using var plain = await http.GetAsync($"http://127.0.0.1:{server.Port}/");
        Assert.Equal((HttpStatusCode)426, plain.StatusCode);
        using (var garbage = new TcpClient())
        {
            await garbage.ConnectAsync(IPAddress.Loopback, server.Port);
            await garbage.GetStream().WriteAsync("\x16\x03\x01garbage\r\n\r\n"u8.ToArray());
        }
        // A client that closes its socket without the close handshake.
        var rude = new ClientWebSocket();
        await rude.ConnectAsync(new Uri(server.Endpoint), CancellationToken.None);
        rude.Abort();
        rude.Dispose();
        // An idle client is dropped after IdleTimeoutSec.
        await using var idle = await Connect(server.Endpoint);
        await Assert.ThrowsAsync<WebSocketException>(() => idle.ReceiveAsync(15));
        // 200 clients at once still get their echoes.
        var sessions = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Connect(server.Endpoint, 30)));
        var answers = await Task.WhenAll(sessions.Select((s, i) => s.ExchangeAsync(i, $"c{i}", false, false)));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"c{i}"), answers.Select(a => a.Received));
        foreach (var s in sessions) await s.DisposeAsync();
        Assert.Equal(nameof(ServerState.Running), server.State);
        Assert.True(server.ClientErrors >= 2);
    }

    [Fact]
    public async Task Stop_frees_the_port_and_a_taken_port_is_a_clear_error()
    {
        var server = await WebSocketEchoServer.StartAsync(new WebSocketEchoServerOptions { Port = 0 });
        var session = await Connect(server.Endpoint);
        var clash = new WebSocketEchoServer(new WebSocketEchoServerOptions { Port = server.Port });
        await Assert.ThrowsAsync<ServerStartException>(() => clash.StartAsync());
        await server.StopAsync();
        await Assert.ThrowsAsync<WebSocketException>(() => session.ReceiveAsync(10));
        await session.DisposeAsync();
        using var listener = new TcpListener(IPAddress.Loopback, server.Port);
        listener.Start();
    }

    [Fact]
    public async Task Refused_and_bad_urls_fail_clearly()
    {
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => Connect($"ws://127.0.0.1:{Loopback.ClosedTcpPort()}/"));
        Assert.NotNull(refused.InnerException);
        await Assert.ThrowsAsync<ArgumentException>(() => Connect("http://127.0.0.1/"));
        // An HTTP server that is not a WebSocket server.
        var port = Loopback.FreeTcpPort();
        using var py = PeerProcess.Start("python3", $"-m http.server {port} --bind 127.0.0.1", port);
        await Assert.ThrowsAsync<WebSocketException>(() => Connect($"ws://127.0.0.1:{port}/"));
    }
}
