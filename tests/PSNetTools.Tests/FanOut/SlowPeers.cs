using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PSNetTools.Tests.FanOut;

/// <summary>
/// Listeners on 127.0.0.11, .12, .13... (one address each, the same port) that answer after a delay that shrinks with
/// the address: the first target answers last, so a fan-out that wrote results as they complete would write them in
/// reverse. What they speak: TCP echo, UDP echo, TLS (a self-signed certificate) or HTTP (200, the address as body).
/// </summary>
public sealed class SlowPeers : IDisposable
{
    public const int Count = 4;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(60);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IDisposable> _sockets = [];
    private readonly X509Certificate2? _certificate;

    private SlowPeers(string kind)
    {
        if (kind == "tls") _certificate = SelfSigned();
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort(kind == "udp");
            try
            {
                for (var i = 0; i < Count; i++) Start(kind, Addresses[i], Delay(i));
                return;
            }
            catch (SocketException) when (attempt < 20)
            {
                // The port was free on the first address but not on another: try the next one.
                foreach (var s in _sockets) s.Dispose();
                _sockets.Clear();
            }
        }
    }

    public static SlowPeers TcpEcho() => new("tcp");

    public static SlowPeers UdpEcho() => new("udp");

    public static SlowPeers Tls() => new("tls");

    public static SlowPeers Http() => new("http");

    public int Port { get; }

    /// <summary>In input order: the first answers slowest.</summary>
    public static IReadOnlyList<string> Addresses { get; } = [.. Enumerable.Range(11, Count).Select(i => $"127.0.0.{i}")];

    /// <summary>The addresses as a PowerShell array literal.</summary>
    public static string List => string.Join(",", Addresses.Select(a => $"'{a}'"));

    private static TimeSpan Delay(int index) => Step * (Count - index);

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var s in _sockets) s.Dispose();
        _certificate?.Dispose();
        _stop.Dispose();
    }

    private static int FreePort(bool udp)
    {
        using var s = new Socket(AddressFamily.InterNetwork, udp ? SocketType.Dgram : SocketType.Stream, udp ? ProtocolType.Udp : ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Parse(Addresses[0]), 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    private void Start(string kind, string address, TimeSpan delay)
    {
        var endpoint = new IPEndPoint(IPAddress.Parse(address), Port);
        if (kind == "udp")
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _sockets.Add(udp);
            udp.Bind(endpoint);
            _ = Task.Run(() => UdpLoop(udp, delay));
            return;
        }
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(listener);
        listener.Bind(endpoint);
        listener.Listen(64);
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await listener.AcceptAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    return;
                }
                _ = Task.Run(() => Serve(kind, client, address, delay));
            }
        });
    }

    private async Task UdpLoop(Socket udp, TimeSpan delay)
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult got;
            try
            {
                got = await udp.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (ex is SocketException && !_stop.IsCancellationRequested) continue;
                return;
            }
            var reply = buffer[..got.ReceivedBytes];
            _ = Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(delay, _stop.Token);
                    await udp.SendToAsync(reply, got.RemoteEndPoint);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            });
        }
    }

    private async Task Serve(string kind, Socket client, string address, TimeSpan delay)
    {
        using var owned = client;
        try
        {
            using var network = new NetworkStream(client, ownsSocket: false);
            var token = _stop.Token;
            if (kind == "tls")
            {
                await Task.Delay(delay, token);
                using var ssl = new SslStream(network);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, token);
                // Hold the connection until the client has read the handshake and hangs up.
                _ = await ssl.ReadAsync(new byte[1], token);
                return;
            }
            var buffer = new byte[65536];
            if (kind == "http")
            {
                var head = new StringBuilder();
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await network.ReadAsync(buffer, token);
                    if (n == 0) return;
                    head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                await Task.Delay(delay, token);
                var body = Encoding.ASCII.GetBytes(address);
                await network.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), token);
                await network.WriteAsync(body, token);
                return;
            }
            while (true)
            {
                var n = await network.ReadAsync(buffer, token);
                if (n == 0) return;
                await Task.Delay(delay, token);
                await network.WriteAsync(buffer.AsMemory(0, n), token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=slow.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }
}
