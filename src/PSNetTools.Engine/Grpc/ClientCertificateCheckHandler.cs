using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using PSNetTools.Net;

namespace PSNetTools.Grpc;

/// <summary>
/// A TLS 1.3 server that wants a client certificate completes the handshake and only then sends its
/// certificate_required alert. SocketsHttpHandler's HTTP/2 setup loses that alert: the caller sees "the server did not
/// complete the HTTP/2 handshake" over a disposed SslStream, which reads as a server that is not gRPC. So when a TLS
/// channel without a client certificate fails after its handshake, one more connection asks the server whether that
/// was the reason, and the failure carries the alert itself (ClientCertificateRequired) when it was.
/// </summary>
internal sealed class ClientCertificateCheckHandler(HttpMessageHandler inner, DnsEndPoint endpoint, string serverName) : DelegatingHandler(inner)
{
    // Long enough for a loaded server to send its alert after the handshake; the probe runs only after a failure.
    private static readonly TimeSpan QuietWindow = TimeSpan.FromSeconds(1.5);

    // A server's certificate policy does not change during one command: one probe per channel answers every call.
    private readonly Lazy<Task<Exception?>> _demand = new(() => AlertOfAsync(endpoint, serverName));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested && FailedAfterHandshake(ex))
        {
            if (await _demand.Value.ConfigureAwait(false) is { } alert) throw new HttpRequestException(ex.Message, alert);
            throw;
        }
    }

    // Refused, unresolvable, timed out, untrusted or mismatched connections already say what they are. A reset or a
    // broken pipe does not: the server closes as soon as it has sent its alert, so the channel's first write after the
    // handshake often meets the closed socket before it reads the alert (3 of 400 calls under load, a CI failure).
    private static bool FailedAfterHandshake(Exception ex) =>
        Failures.Innermost<SocketException>(ex) is not { } socket ? Failures.Innermost<AuthenticationException>(ex) is null &&
            Failures.Innermost<TransportMismatchException>(ex) is null && Failures.Innermost<TimeoutException>(ex) is null
        : socket.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted;

    /// <summary>The server's certificate_required alert to a client with no certificate, or null when it sent none.</summary>
    private static async Task<Exception?> AlertOfAsync(DnsEndPoint endpoint, string serverName)
    {
        using var timeout = new CancellationTokenSource(TlsProbe.Timeout);
        try
        {
            await using var tls = await TlsProbe.HandshakeAsync(endpoint, serverName, timeout.Token).ConfigureAwait(false);
            // The alert follows the client's Finished, so the probe first only listens: a write the server does not
            // read makes its close a reset, which can overtake the alert. A server that speaks first (its SETTINGS)
            // or closes without an alert is not asking for a certificate.
            var first = tls.ReadAsync(new byte[256], timeout.Token).AsTask();
            if (await Task.WhenAny(first, Task.Delay(QuietWindow, timeout.Token)).ConfigureAwait(false) != first)
            {
                // A server that waits for the client's preface before it says anything: send it, and the alert or
                // the SETTINGS answer it.
                await tls.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            }
            await first.ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or AuthenticationException)
        {
            return Failures.RequiresClientCertificate(ex) ? ex : null;
        }
    }
}
