using System.Net.Security;
using PSNetTools.Net;

namespace PSNetTools.Transport;

/// <summary>The TLS client handshake of the TCP echo probe and the message client, over a connection they opened.</summary>
internal static class TlsClientUpgrade
{
    /// <summary>
    /// Wraps <paramref name="connection"/> in TLS as a client, checked by <paramref name="trust"/>. On failure the
    /// connection is disposed; a handshake with no answer in time is a <see cref="TlsHandshakeTimeoutException"/>
    /// (a plain-text port answers no ClientHello), anything else the handshake's own exception.
    /// </summary>
    public static async Task<SslStream> AuthenticateAsync(Stream connection, string targetHost, TlsTrust trust, TimeSpan timeout,
        string where, Action<string>? log, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(connection, leaveInnerStreamOpen: false);
        try
        {
            var authentication = new SslClientAuthenticationOptions { TargetHost = targetHost };
            trust.ApplyTo(authentication);
            await Deadline.RunAsync(ct => ssl.AuthenticateAsClientAsync(authentication, ct), timeout, "TLS handshake", cancellationToken).ConfigureAwait(false);
            log?.Invoke($"{where}: TLS {ssl.SslProtocol}, {ssl.NegotiatedCipherSuite}, SNI {targetHost}.");
            return ssl;
        }
        catch (TimeoutException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TlsHandshakeTimeoutException($"no TLS answer within {timeout.TotalSeconds:0.###} s", ex);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
