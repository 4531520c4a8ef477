using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace PSNetTools.Net;

/// <summary>
/// A TLS 1.3 server that wants a client certificate completes the handshake and only then sends its
/// certificate_required alert, and closes. The client's own connection often loses that alert: its first write after
/// the handshake meets the closed socket (a reset or a broken pipe, since the server did not read it), or
/// SocketsHttpHandler's HTTP/2 setup reports "the server did not complete the HTTP/2 handshake" over a disposed
/// SslStream. Either reads as a network fault or a server that is not HTTP. So when an https request made without a
/// client certificate fails after its handshake, one more connection asks the server whether that was the reason, and
/// the failure carries the alert itself (ClientCertificateRequired) when it was.
/// </summary>
/// <param name="endpoint">Where to ask, when it is not the request's host (a gRPC channel under another server name connects elsewhere).</param>
/// <param name="explained">Failures the inner handler already explains (gRPC's TLS-or-plaintext mismatch).</param>
/// <param name="remembered">How long a server's answer stands; 30 s unless a test says otherwise.</param>
internal sealed class ClientCertificateCheckHandler(HttpMessageHandler inner, SslApplicationProtocol protocol, DnsEndPoint? endpoint = null,
    string? serverName = null, Func<Exception, bool>? explained = null, TimeSpan? remembered = null) : DelegatingHandler(inner)
{
    // A server's certificate policy does not change from one request to the next: one probe answers the calls of a
    // while (a crawl of a thousand pages of a mutual-TLS site asks once). Shared, long-lived clients ask again later.
    private readonly TimeSpan _remembered = remembered ?? TimeSpan.FromSeconds(30);

    /// <summary>The servers whose answers are remembered now.</summary>
    internal int Remembering => _demands.Count;

    /// <summary><paramref name="handler"/> with the check above it, unless the client offers a certificate of its own.</summary>
    public static HttpMessageHandler Over(HttpMessageHandler handler, TlsTrust tls) =>
        tls.ClientCertificate is null ? new ClientCertificateCheckHandler(handler, SslApplicationProtocol.Http11) : handler;

    private readonly ConcurrentDictionary<string, (Task<Exception?> Demand, long At)> _demands = new(StringComparer.OrdinalIgnoreCase);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested && request.RequestUri is { Scheme: "https" or "wss" } uri &&
            FailedAfterHandshake(ex) && explained?.Invoke(ex) != true)
        {
            if (await DemandOf(uri).ConfigureAwait(false) is { } alert) throw new HttpRequestException(ex.Message, alert);
            throw;
        }
    }

    private Task<Exception?> DemandOf(Uri uri)
    {
        var at = endpoint ?? new DnsEndPoint(uri.IdnHost, uri.Port);
        var name = serverName ?? uri.IdnHost;
        var key = $"{at.Host}|{at.Port}|{name}";
        var now = Stopwatch.GetTimestamp();
        // The module's shared clients live as long as the session: forget what is out of date before the list grows.
        if (_demands.Count >= 64)
        {
            foreach (var old in _demands.Where(d => Stopwatch.GetElapsedTime(d.Value.At, now) >= _remembered)) _demands.TryRemove(old);
        }
        var entry = _demands.AddOrUpdate(key,
            _ => (TlsProbe.ClientCertificateDemandAsync(at, name, protocol), now),
            (_, old) => Stopwatch.GetElapsedTime(old.At, now) < _remembered ? old : (TlsProbe.ClientCertificateDemandAsync(at, name, protocol), now));
        return entry.Demand;
    }

    // Refused, unresolvable, timed out, untrusted or mismatched connections already say what they are. A reset or a
    // broken pipe does not: the server closes as soon as it has sent its alert, so the client's first write after the
    // handshake often meets the closed socket before it reads the alert (3 of 400 gRPC calls under load, a CI failure).
    private static bool FailedAfterHandshake(Exception ex) =>
        Failures.Innermost<AuthenticationException>(ex) is null && Failures.Innermost<TimeoutException>(ex) is null &&
        (Failures.Innermost<SocketException>(ex) is not { } socket || Failures.IsReset(socket.SocketErrorCode));
}
