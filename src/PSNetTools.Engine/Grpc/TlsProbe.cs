using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using PSNetTools.Net;

namespace PSNetTools.Grpc;

/// <summary>
/// A second connection that asks a gRPC server what the channel's own connection could not tell: whether it speaks
/// TLS at all, or wants a client certificate. It offers HTTP/2 and accepts any certificate, since it only asks.
/// </summary>
internal static class TlsProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>A TLS session with the server at <paramref name="endpoint"/>; the caller disposes it (and its socket).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5359", Justification = "Only asks the server a question; no data of the user goes over it.")]
    public static async Task<SslStream> HandshakeAsync(DnsEndPoint endpoint, string serverName, CancellationToken cancellationToken)
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
                    ApplicationProtocols = [SslApplicationProtocol.Http2],
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
}
