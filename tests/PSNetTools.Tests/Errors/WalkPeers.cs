using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PSNetTools.Testing;

namespace PSNetTools.Tests.Errors;

/// <summary>
/// The misbehaving peers of the error walk, in this process on loopback: a port that refuses (nothing listens, TCP
/// or UDP), a listener that accepts and never answers, a plain-text talker that answers anything with a line of
/// garbage, a TLS server (self-signed) that answers in TLS whatever it is sent, a UDP socket that never answers, and
/// three WebSocket servers that accept the upgrade and then send a frame that is no frame, reset the connection, or
/// say nothing.
/// </summary>
public sealed class WalkPeers : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpListener> _listeners = [];
    private readonly X509Certificate2 _certificate = SelfSigned();

    public WalkPeers()
    {
        RefusedPort = FreeTcpAndUdpPort();
        SilentPort = Listen(_ => Task.Delay(Timeout.Infinite, _stop.Token));
        GarbagePort = Listen(Garbage);
        TlsPort = Listen(Tls);
        _udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        UdpSilentPort = ((IPEndPoint)_udp.LocalEndPoint!).Port;
        // Reserved bits set, an opcode that does not exist: .NET's client refuses it as a broken frame.
        WsGarbagePort = Listen(s => WebSocketThen(s, async ws => await ws.WriteAsync(Enumerable.Repeat((byte)0xff, 16).ToArray(), _stop.Token)));
        WsResetPort = Listen(s => WebSocketThen(s, _ => throw new ResetException()));
        WsSilentPort = Listen(s => WebSocketThen(s, _ => Task.Delay(Timeout.Infinite, _stop.Token)));
    }

    private readonly Socket _udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public int RefusedPort { get; }

    public int SilentPort { get; }

    public int GarbagePort { get; }

    public int TlsPort { get; }

    /// <summary>A UDP socket that reads nothing and answers nothing.</summary>
    public int UdpSilentPort { get; }

    public int WsGarbagePort { get; }

    public int WsResetPort { get; }

    public int WsSilentPort { get; }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var l in _listeners) l.Stop();
        _udp.Dispose();
        _certificate.Dispose();
        _stop.Dispose();
    }

    private int Listen(Func<Stream, Task> serve)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _listeners.Add(listener);
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    await using var stream = new NetworkStream(socket, ownsSocket: true);
                    try
                    {
                        await serve(stream);
                    }
                    catch (ResetException)
                    {
                        socket.LingerState = new LingerOption(true, 0);
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
                    {
                    }
                });
            }
        });
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Speaks first (mail and SSH do) and answers every read with more garbage: no protocol's client can take it for its own.
    private async Task Garbage(Stream stream)
    {
        var line = Encoding.ASCII.GetBytes("?? garbage from a peer that speaks no known protocol ??\r\n");
        await stream.WriteAsync(line, _stop.Token);
        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer, _stop.Token) > 0) await stream.WriteAsync(line, _stop.Token);
    }

    // Reads the upgrade request and accepts it (101 with the key's answer), then hands the stream to what follows.
    private async Task WebSocketThen(Stream stream, Func<Stream, Task> then)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, _stop.Token);
            if (n == 0) return;
            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        var key = head.ToString().Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))["Sec-WebSocket-Key:".Length..].Trim();
#pragma warning disable CA5350 // RFC 6455 defines the accept key with SHA-1; it is no security here
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"), _stop.Token);
        await Task.Delay(200, _stop.Token);
        await then(stream);
        // Held open until the client goes: what it meets is what was sent, not a close.
        while (await stream.ReadAsync(buffer, _stop.Token) > 0)
        {
        }
    }

    /// <summary>Thrown by a peer to end its connection with a reset (linger 0) instead of a close.</summary>
    private sealed class ResetException : Exception;

    private static int FreeTcpAndUdpPort()
    {
        while (true)
        {
            var port = Loopback.FreeTcpPort();
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP: try another.
            }
        }
    }

    private async Task Tls(Stream stream)
    {
        await using var ssl = new SslStream(stream);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
        var line = Encoding.ASCII.GetBytes("?? garbage inside TLS ??\r\n");
        var buffer = new byte[4096];
        while (await ssl.ReadAsync(buffer, _stop.Token) > 0) await ssl.WriteAsync(line, _stop.Token);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Exported and reloaded: on Linux, SslStream needs a certificate whose key it can use for the server side.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}
