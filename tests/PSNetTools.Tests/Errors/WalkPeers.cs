using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PSNetTools.Testing;

namespace PSNetTools.Tests.Errors;

/// <summary>
/// The misbehaving peers of the error walk, in this process on loopback: a port that refuses (nothing listens), a
/// listener that accepts and never answers, a plain-text talker that answers anything with a line of garbage, and a
/// TLS server (self-signed) that answers in TLS whatever it is sent.
/// </summary>
public sealed class WalkPeers : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpListener> _listeners = [];
    private readonly X509Certificate2 _certificate = SelfSigned();

    public WalkPeers()
    {
        RefusedPort = Loopback.FreeTcpPort();
        SilentPort = Listen(_ => Task.Delay(Timeout.Infinite, _stop.Token));
        GarbagePort = Listen(Garbage);
        TlsPort = Listen(Tls);
    }

    public int RefusedPort { get; }

    public int SilentPort { get; }

    public int GarbagePort { get; }

    public int TlsPort { get; }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var l in _listeners) l.Stop();
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
