using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PSNetTools.Net;

/// <summary>
/// Whom a TLS client trusts and how it proves itself: the system's roots plus <see cref="TrustedCertificates"/> (a
/// private or test CA), or nothing at all when <see cref="SkipCertificateCheck"/>; and a client certificate for mutual
/// TLS. One record for every TLS client of the engine, so a private CA is trusted the same way by each of them.
/// </summary>
public sealed record TlsTrust
{
    public static TlsTrust Default { get; } = new();

    /// <summary>Accept any certificate: the user asked, by name, to talk to a server whose certificate cannot be verified.</summary>
    public bool SkipCertificateCheck { get; init; }

    /// <summary>Roots trusted in addition to the system's (a certificate of the server itself works too).</summary>
    public IReadOnlyList<X509Certificate2> TrustedCertificates { get; init; } = [];

    /// <summary>Sent when the server asks for one (mutual TLS); must hold its private key.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>
    /// Equal for equal trust (certificates by thumbprint), for the pools of HttpClients kept per trust: a record's own
    /// equality compares the certificate lists by reference, so each run of a cmdlet with the same CA file would add one.
    /// </summary>
    public string Key => $"{SkipCertificateCheck}|{string.Join(",", TrustedCertificates.Select(c => c.Thumbprint))}|{ClientCertificate?.Thumbprint}";

    /// <summary>Null when the platform's own check is the right one (nothing skipped, no extra root).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5359", Justification = "Accepts any certificate only when SkipCertificateCheck was asked for by name.")]
    public RemoteCertificateValidationCallback? Callback =>
        SkipCertificateCheck ? CertificateChecks.AcceptAny : TrustedCertificates.Count > 0 ? Validate : null;

    /// <summary>The client certificate as the collection SslStream, HttpClient, ClientWebSocket and MailKit take; null without one.</summary>
    /// <exception cref="ArgumentException">The client certificate has no private key.</exception>
    public X509CertificateCollection? ClientCertificates()
    {
        if (ClientCertificate is not { } client) return null;
        if (!client.HasPrivateKey)
        {
            throw new ArgumentException($"The client certificate {client.Subject} has no private key: load it from a .pfx, or with X509Certificate2::CreateFromPemFile(cert, key).");
        }
        return new X509CertificateCollection { client };
    }

    /// <summary>Sets the validation and the client certificate on SslStream options.</summary>
    /// <exception cref="ArgumentException">The client certificate has no private key.</exception>
    public void ApplyTo(SslClientAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Callback is { } callback) options.RemoteCertificateValidationCallback = callback;
        if (ClientCertificates() is { } certificates) options.ClientCertificates = certificates;
    }

    /// <summary>
    /// The system's verdict, or else a chain to one of <see cref="TrustedCertificates"/> built from what the server sent.
    /// A name mismatch is never forgiven: a private CA vouches for names, not for any server holding one of its certificates.
    /// </summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (SkipCertificateCheck || errors == SslPolicyErrors.None) return true;
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0 || TrustedCertificates.Count == 0) return false;
        try
        {
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            custom.ChainPolicy.CustomTrustStore.AddRange(TrustedCertificates.ToArray());
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
            using var leaf = new X509Certificate2(certificate);
            return custom.Build(leaf);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // A certificate that cannot be read is not trusted; the handshake reports the failure.
            return false;
        }
    }
}
