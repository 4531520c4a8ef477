using System.Security.Cryptography.X509Certificates;

namespace PSNetTools.Tls;

public sealed record TlsInspectionOptions
{
    public int Port { get; init; } = 443;

    /// <summary>The name sent as SNI and checked against the certificate; default: the target as typed.</summary>
    public string? ServerName { get; init; }

    /// <summary>For the connection and, separately, for the handshake.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Extra trust anchors (e.g. a private or test CA): a chain ending in one of them counts as trusted.</summary>
    public IReadOnlyList<X509Certificate2> TrustedCertificates { get; init; } = [];

    public int ThrottleLimit { get; init; } = 32;

    /// <summary>
    /// Runs on the plain connection before the TLS handshake, for protocols that upgrade in-band (SMTP/IMAP/POP3
    /// STARTTLS). Null for TLS from the first byte.
    /// </summary>
    public Func<Stream, CancellationToken, Task>? BeforeHandshake { get; init; }

    /// <summary>Verbose lines per target: connecting, STARTTLS, the handshake (SNI, version, cipher) and the certificate's verdict.</summary>
    public Action<string>? Log { get; init; }
}
