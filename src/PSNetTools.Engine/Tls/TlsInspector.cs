using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PSNetTools.Net;

namespace PSNetTools.Tls;

/// <summary>
/// Get-TlsCertificate: handshakes with each target, accepting whatever certificate it presents (so expired,
/// self-signed and wrong-host certificates can be inspected), then judges the certificate on its own.
/// </summary>
public static class TlsInspector
{
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>A target that fails (refused, unresolvable, timed out, TLS) is an <see cref="PSNetTools.Net.Outcome"/> failure in its place, not an exception.</remarks>
    public static IAsyncEnumerable<Outcome<TlsCertificateInfo>> InspectAsync(IEnumerable<string> computerNames, TlsInspectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FanOut.RunAsync(computerNames, options.ThrottleLimit, (t, ct) => InspectAsync(t, options, ct), cancellationToken);
    }

    /// <remarks>A failed handshake or STARTTLS exchange is the outcome's failure.</remarks>
    public static async Task<Outcome<TlsCertificateInfo>> InspectAsync(ResolvedTarget target, TlsInspectionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var where = target.Describe(options.Port);
        var serverName = options.ServerName ?? target.ComputerName;
        var log = options.Log;
        log?.Invoke($"{where}: connecting to {target.Address} (timeout {options.Timeout.TotalSeconds:0.###} s).");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Socket socket;
        try
        {
            socket = await TcpConnect.ConnectAsync(target.Address, options.Port, options.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            return Outcome.Failed<TlsCertificateInfo>(SocketFailures.From(where, ex, options.Timeout.TotalSeconds));
        }

        var captured = new Captured();
        await using var network = new NetworkStream(socket, ownsSocket: true);
        await using var ssl = new SslStream(network, leaveInnerStreamOpen: true);
        try
        {
            log?.Invoke($"{where}: connected in {watch.Elapsed.TotalMilliseconds:0.###} ms.");
            if (options.BeforeHandshake is { } upgrade)
            {
                log?.Invoke($"{where}: asking the server to start TLS (STARTTLS).");
                try
                {
                    await Deadline.RunAsync(ct => upgrade(network, ct), options.Timeout, "STARTTLS", cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException ex)
                {
                    throw new StartTlsException($"no answer in the STARTTLS exchange within {options.Timeout.TotalSeconds:0.###} s; is it the right port and protocol?", ex);
                }
            }
            var authentication = new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
                RemoteCertificateValidationCallback = captured.Record,
                // Inspection only: revocation would need the network beyond the target, and must not fail the handshake.
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            };
            log?.Invoke($"{where}: TLS handshake, SNI {serverName}.");
            await Deadline.RunAsync(ct => ssl.AuthenticateAsClientAsync(authentication, ct), options.Timeout, "TLS handshake", cancellationToken).ConfigureAwait(false);
            log?.Invoke($"{where}: negotiated {ssl.SslProtocol}, {ssl.NegotiatedCipherSuite}.");
        }
        catch (StartTlsException ex)
        {
            return Outcome.Failed<TlsCertificateInfo>(new TargetFailure(where, "StartTlsFailed", FailureKind.ProtocolError, $"{where}: {ex.Message}", ex));
        }
        catch (TimeoutException ex)
        {
            return Outcome.Failed<TlsCertificateInfo>(Failures.TimedOut(where, options.Timeout, ex, "the connection was accepted but the TLS handshake got no answer"));
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException)
        {
            return Outcome.Failed<TlsCertificateInfo>(Failures.Tls(where, ex));
        }

        if (captured.Certificate is null)
        {
            return Outcome.Failed<TlsCertificateInfo>(new TargetFailure(where, "NoCertificate", FailureKind.TlsFailure, $"{where} completed the handshake without presenting a certificate."));
        }
        var info = Describe(target, options, serverName, captured, ssl);
        log?.Invoke($"{where}: certificate {info.Subject}, issued by {info.Issuer}, valid until {info.NotAfter:yyyy-MM-dd}; " +
            (info.IsTrusted ? "trusted" : $"not trusted ({info.ChainErrors})") + (info.HostnameMatches ? $", matches {serverName}." : $", does not match {serverName}."));
        return Outcome.Success(info);
    }

    private static TlsCertificateInfo Describe(ResolvedTarget target, TlsInspectionOptions options, string serverName, Captured captured, SslStream ssl)
    {
        var certificate = captured.Certificate!;
        var (trusted, errors, chain, flags) = Judge(certificate, captured.Sent, options.TrustedCertificates);
        var now = DateTime.UtcNow;
        var notBefore = certificate.NotBefore.ToUniversalTime();
        var notAfter = certificate.NotAfter.ToUniversalTime();
        var nameMatches = certificate.MatchesHostname(serverName.Trim('[', ']'));
        var (verdict, code) = TlsVerdict.Of(certificate, chain, flags, trusted, now, nameMatches);
        return new TlsCertificateInfo
        {
            ComputerName = target.ComputerName,
            Address = target.Address.ToString(),
            Port = options.Port,
            ServerName = serverName,
            Subject = OpenSslNames.Format(certificate.SubjectName),
            Issuer = OpenSslNames.Format(certificate.IssuerName),
            Version = certificate.Version,
            NotBefore = notBefore,
            NotAfter = notAfter,
            DaysUntilExpiry = (int)Math.Floor((notAfter - now).TotalDays),
            IsExpired = notAfter < now,
            IsTrusted = trusted,
            HostnameMatches = nameMatches,
            ChainErrors = errors,
            Verdict = verdict,
            VerifyCode = code,
            Thumbprint = certificate.Thumbprint,
            SerialNumber = certificate.SerialNumber,
            SignatureAlgorithm = certificate.SignatureAlgorithm.FriendlyName ?? certificate.SignatureAlgorithm.Value ?? "",
            KeyAlgorithm = KeyAlgorithm(certificate),
            KeySize = KeySize(certificate),
            Protocol = ssl.SslProtocol.ToString(),
            CipherSuite = ssl.NegotiatedCipherSuite.ToString(),
            SubjectAlternativeNames = AlternativeNames(certificate),
            Certificate = certificate,
            Chain = chain,
        };
    }

    /// <summary>Trusted by the system, or by a chain that ends in one of the extra anchors. The errors are those of the better chain.</summary>
    private static (bool Trusted, string Errors, IReadOnlyList<X509Certificate2> Chain, IReadOnlyList<X509ChainStatusFlags> Flags) Judge(
        X509Certificate2 certificate, IReadOnlyList<X509Certificate2> sent, IReadOnlyList<X509Certificate2> anchors)
    {
        var system = Build(certificate, sent, null);
        if (system.Trusted || anchors.Count == 0) return system;
        var custom = Build(certificate, sent, anchors);
        return custom.Trusted ? custom : system;
    }

    private static (bool Trusted, string Errors, IReadOnlyList<X509Certificate2> Chain, IReadOnlyList<X509ChainStatusFlags> Flags) Build(
        X509Certificate2 certificate, IReadOnlyList<X509Certificate2> sent, IReadOnlyList<X509Certificate2>? anchors)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Intermediates come from what the server sent; never fetched from the network (AIA) during an inspection.
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ExtraStore.AddRange(sent.ToArray());
        if (anchors is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(anchors.ToArray());
        }
        var valid = chain.Build(certificate);
        var flags = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList();
        var errors = string.Join("; ", flags.Select(f => f.ToString()));
        IReadOnlyList<X509Certificate2> elements = chain.ChainElements.Count > 0
            ? [.. chain.ChainElements.Select(e => new X509Certificate2(e.Certificate))]
            : sent;
        // Trusted means the chain reaches a trusted root; an expired leaf is still "trusted" in that sense and reported by IsExpired.
        var trusted = !flags.Any(f => f is X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain or X509ChainStatusFlags.NotSignatureValid
            or X509ChainStatusFlags.Revoked or X509ChainStatusFlags.Cyclic or X509ChainStatusFlags.ExplicitDistrust);
        return (valid || trusted, errors, elements, flags);
    }

    private static string KeyAlgorithm(X509Certificate2 certificate) => certificate.PublicKey.Oid.Value switch
    {
        "1.2.840.113549.1.1.1" => "RSA",
        "1.2.840.10045.2.1" => "ECDSA",
        "1.3.101.112" => "Ed25519",
        "1.2.840.10040.4.1" => "DSA",
        var other => certificate.PublicKey.Oid.FriendlyName ?? other ?? "",
    };

    private static int KeySize(X509Certificate2 certificate)
    {
        using RSA? rsa = certificate.GetRSAPublicKey();
        if (rsa is not null) return rsa.KeySize;
        using ECDsa? ec = certificate.GetECDsaPublicKey();
        if (ec is not null) return ec.KeySize;
        return certificate.PublicKey.EncodedKeyValue.RawData.Length * 8;
    }

    private static string[] AlternativeNames(X509Certificate2 certificate)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null) return [];
        return [.. san.EnumerateDnsNames(), .. san.EnumerateIPAddresses().Select(ip => ip.ToString())];
    }

    /// <summary>What the handshake presented, copied out because the chain object is disposed after the callback.</summary>
    private sealed class Captured
    {
        public X509Certificate2? Certificate { get; private set; }

        public IReadOnlyList<X509Certificate2> Sent { get; private set; } = [];

        [SuppressMessage("Security", "CA5359", Justification = "Inspection: every certificate is accepted so it can be reported; it is judged separately and nothing is sent over this connection.")]
        public bool Record(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (certificate is not null) Certificate = new X509Certificate2(certificate);
            // On Linux the chain's ExtraStore holds what the server sent beyond the leaf.
            if (chain is not null) Sent = [.. chain.ChainPolicy.ExtraStore.Select(c => new X509Certificate2(c))];
            return true;
        }
    }
}
