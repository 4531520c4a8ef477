using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PSNetTools.Transport;
using PSNetTools.Net;
using PSNetTools.Servers;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Transport;

/// <summary>The echo server against clients that misbehave, and under load; each test ends with a working echo.</summary>
[Collection(SocketCounting.Name)]
public class TcpEchoServerRobustnessTests
{
    private static readonly ResolvedTarget Local = new("127.0.0.1", IPAddress.Loopback);

    private static async Task AssertStillEchoes(TcpEchoServer server)
    {
        var r = (await TcpEchoProbe.ProbeAsync(Local, new EchoProbeOptions { Port = server.Port, Count = 2, Timeout = TimeSpan.FromSeconds(5) }, default)).Value!;
        Assert.True(r.AllMatched, $"server stopped echoing: {r}");
        Assert.Equal(nameof(ServerState.Running), server.State);
    }

    [Fact]
    public async Task Survives_garbage_bytes_and_echoes_them_verbatim()
    {
        await using var server = await TcpEchoServer.StartAsync(new TcpEchoServerOptions());
        var garbage = RandomNumberGenerator.GetBytes(200_000);
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, server.Port);
            var stream = client.GetStream();
            var reading = Task.Run(async () =>
            {
                var back = new MemoryStream();
                var buffer = new byte[65536];
                while (back.Length < garbage.Length)
                {
                    var n = await stream.ReadAsync(buffer);
                    if (n == 0) break;
                    back.Write(buffer, 0, n);
                }
                return back.ToArray();
            });
            await stream.WriteAsync(garbage);
            Assert.Equal(garbage, await reading.WaitAsync(TimeSpan.FromSeconds(20)));
        }
        await AssertStillEchoes(server);
    }

    [Fact]
    public async Task Drops_clients_that_say_nothing_after_the_idle_timeout()
    {
        await using var server = await TcpEchoServer.StartAsync(new TcpEchoServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(500) });
        using var idle = new TcpClient();
        await idle.ConnectAsync(IPAddress.Loopback, server.Port);
        var read = await idle.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, read); // the server closed it
        await WaitUntil(() => server.ActiveConnections == 0);
        Assert.True(server.ClientErrors >= 1);
        await AssertStillEchoes(server);
    }

    [Fact]
    public async Task Survives_clients_that_reset_mid_stream()
    {
        await using var server = await TcpEchoServer.StartAsync(new TcpEchoServerOptions());
        for (var i = 0; i < 50; i++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, server.Port);
            await client.SendAsync(new byte[100_000]);
            // Linger 0: close sends RST instead of FIN, while the server is still writing back.
            client.LingerState = new LingerOption(true, 0);
            client.Close();
        }
        await WaitUntil(() => server.ActiveConnections == 0);
        await AssertStillEchoes(server);
    }

    [Fact]
    public async Task Serves_a_thousand_connections_at_once()
    {
        await using var server = await TcpEchoServer.StartAsync(new TcpEchoServerOptions());
        var clients = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync(IPAddress.Loopback, server.Port);
            return s;
        }));
        try
        {
            await WaitUntil(() => server.ActiveConnections == 1000);
            var answers = await Task.WhenAll(clients.Select(async (s, i) =>
            {
                var message = Encoding.ASCII.GetBytes($"client {i:D4}");
                await s.SendAsync(message);
                var buffer = new byte[64];
                var got = 0;
                while (got < message.Length) got += await s.ReceiveAsync(buffer.AsMemory(got));
                return Encoding.ASCII.GetString(buffer, 0, got) == $"client {i:D4}";
            })).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.All(answers, Assert.True);
        }
        finally
        {
            foreach (var s in clients) s.Dispose();
        }
        await WaitUntil(() => server.ActiveConnections == 0);
        await AssertStillEchoes(server);
    }

    [Fact]
    public async Task Ten_thousand_connections_leave_no_sockets_behind()
    {
        await using var server = await TcpEchoServer.StartAsync(new TcpEchoServerOptions());
        await AssertStillEchoes(server);
        await WaitUntil(() => server.ActiveConnections == 0);
        var before = Loopback.OpenSockets();
        // 100 at a time so the client side does not run out of ephemeral ports in TIME_WAIT.
        for (var batch = 0; batch < 100; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { LingerState = new LingerOption(true, 0) };
                await s.ConnectAsync(IPAddress.Loopback, server.Port);
                await s.SendAsync("x"u8.ToArray());
                await s.ReceiveAsync(new byte[8]);
            }));
        }
        await WaitUntil(() => server.ActiveConnections == 0);
        Assert.True(server.ConnectionsAccepted >= 10_001, $"accepted {server.ConnectionsAccepted}");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var after = Loopback.OpenSockets();
        // Other tests run in parallel in this process; a leak of 10,000 connections would show as thousands.
        Assert.True(after - before < 50, $"sockets before {before}, after {after}");
    }

    [Fact]
    public async Task Stopping_frees_the_port_at_once_even_with_clients_connected()
    {
        var server = await TcpEchoServer.StartAsync(new TcpEchoServerOptions());
        var port = server.Port;
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await server.StopAsync();
        Assert.Equal(nameof(ServerState.Stopped), server.State);
        Assert.DoesNotContain(server, ServerRegistry.All);
        await using var again = await TcpEchoServer.StartAsync(new TcpEchoServerOptions { Port = port });
        await AssertStillEchoes(again);
    }

    [Fact]
    public async Task A_taken_port_is_an_error_naming_it()
    {
        await using var first = await TcpEchoServer.StartAsync(new TcpEchoServerOptions());
        var ex = await Assert.ThrowsAsync<ServerStartException>(() => TcpEchoServer.StartAsync(new TcpEchoServerOptions { Port = first.Port }));
        Assert.Contains(first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_echo_with_a_certificate_and_garbage_handshakes_survived()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Linux SslStream wants a certificate whose key is exportable/persisted; a PFX round trip gives that.
        using var certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
        await using var server = await TcpEchoServer.StartAsync(new TcpEchoServerOptions { Certificate = certificate, IdleTimeout = TimeSpan.FromSeconds(2) });
        Assert.Equal("TlsEcho", server.Protocol);

        // A plain-text client speaking garbage to the TLS port.
        using (var plain = new TcpClient())
        {
            await plain.ConnectAsync(IPAddress.Loopback, server.Port);
            await plain.GetStream().WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
            var n = await plain.GetStream().ReadAsync(new byte[256]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(n >= 0);
        }

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync("localhost");
        await ssl.WriteAsync("secure hello"u8.ToArray());
        var buffer = new byte[64];
        var got = 0;
        while (got < 12) got += await ssl.ReadAsync(buffer.AsMemory(got));
        Assert.Equal("secure hello", Encoding.ASCII.GetString(buffer, 0, got));
    }

    private static async Task WaitUntil(Func<bool> condition, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("condition not met in time");
            await Task.Delay(20);
        }
    }
}
