using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace PSNetTools.Net;

/// <summary>
/// A second connection that asks a TLS server what a client's own connection could not tell: whether it speaks TLS
/// at all (gRPC's plaintext channel), or wants a client certificate. It accepts any certificate, since it only asks.
/// </summary>
internal static class TlsProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>A TLS session with the server at <paramref name="endpoint"/>; the caller disposes it (and its socket).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5359", Justification = "Only asks the server a question; no data of the user goes over it.")]
    public static async Task<SslStream> HandshakeAsync(DnsEndPoint endpoint, string serverName, SslApplicationProtocol protocol, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = serverName,
                    RemoteCertificateValidationCallback = CertificateChecks.AcceptAny,
                    ApplicationProtocols = [protocol],
                }, cancellationToken).ConfigureAwait(false);
                return tls;
            }
            catch
            {
                await tls.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The server's certificate_required alert to a client with no certificate, or null when it sent none. The alert
    /// follows the client's Finished, so the probe first only listens: a write the server does not read makes its
    /// close a reset, which can overtake the alert. A server that speaks first (HTTP/2 SETTINGS) or closes without an
    /// alert is not asking for a certificate.
    /// </summary>
    public static async Task<Exception?> ClientCertificateDemandAsync(DnsEndPoint endpoint, string serverName, SslApplicationProtocol protocol)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await using var tls = await HandshakeAsync(endpoint, serverName, protocol, timeout.Token).ConfigureAwait(false);
            var first = tls.ReadAsync(new byte[256], timeout.Token).AsTask();
            if (await Task.WhenAny(first, Task.Delay(QuietWindow, timeout.Token)).ConfigureAwait(false) != first)
            {
                // A server that waits for the client to speak first: an HTTP/2 preface, which an HTTP/2 server answers
                // with SETTINGS, an HTTP/1.1 one with 400, and a mutual-TLS one with its alert.
                await tls.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            }
            await first.ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            return Failures.RequiresClientCertificate(ex) ? ex : null;
        }
    }

    // Long enough for a loaded server to send its alert after the handshake; the probe runs only after a failure.
    private static readonly TimeSpan QuietWindow = TimeSpan.FromSeconds(1.5);
}
