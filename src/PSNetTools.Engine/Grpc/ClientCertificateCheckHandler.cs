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

    // Refused, unresolvable, timed out, untrusted or mismatched connections already say what they are.
    private static bool FailedAfterHandshake(Exception ex) =>
        Failures.Innermost<SocketException>(ex) is null && Failures.Innermost<AuthenticationException>(ex) is null &&
        Failures.Innermost<TransportMismatchException>(ex) is null && Failures.Innermost<TimeoutException>(ex) is null;

    /// <summary>The server's certificate_required alert to a client with no certificate, or null when it sent none.</summary>
    private static async Task<Exception?> AlertOfAsync(DnsEndPoint endpoint, string serverName)
    {
        using var timeout = new CancellationTokenSource(TlsProbe.Timeout);
        try
        {
            await using var tls = await TlsProbe.HandshakeAsync(endpoint, serverName, timeout.Token).ConfigureAwait(false);
            // The client's first flight: the preface and an empty SETTINGS frame. The alert answers it.
            await tls.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            // The server's SETTINGS: it talks to clients without certificates.
            await tls.ReadAsync(new byte[256], timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or AuthenticationException)
        {
            return Failures.RequiresClientCertificate(ex) ? ex : null;
        }
    }
}
