using System.Security.Cryptography.X509Certificates;
using PSNetTools.Net;

namespace PSNetTools.Tls;

/// <summary>
/// What Get-TlsCertificate returns: the server's certificate, judged, as flat fields. The certificate and its chain are
/// behind GetCertificate() and GetChain(), not properties: Export-Csv would write them as multi-line dumps and
/// ConvertTo-Json as kilobytes of RawData, and remoting would reduce them to strings anyway.
/// </summary>
public sealed record TlsCertificateInfo
{
    public required string ComputerName { get; init; }

    public required string Address { get; init; }

    public required int Port { get; init; }

    public required string ServerName { get; init; }

    /// <summary>In the order and with the names openssl prints (C=CN, ST=Beijing, O=..., CN=...); GetCertificate().Subject has .NET's form.</summary>
    public required string Subject { get; init; }

    /// <summary>Like <see cref="Subject"/>.</summary>
    public required string Issuer { get; init; }

    /// <summary>The X.509 version (3 for every modern certificate).</summary>
    public int Version { get; init; }

    /// <summary>In UTC, as openssl and Python print them.</summary>
    public DateTime NotBefore { get; init; }

    /// <summary>In UTC, as openssl and Python print them.</summary>
    public DateTime NotAfter { get; init; }

    /// <summary>Whole days until NotAfter; negative once expired.</summary>
    public int DaysUntilExpiry { get; init; }

    public bool IsExpired { get; init; }

    /// <summary>The chain builds to a root this system trusts, or to one of the options' TrustedCertificates.</summary>
    public bool IsTrusted { get; init; }

    /// <summary>The certificate is valid for ServerName (SAN DNS names with wildcards, SAN IP addresses, or the CN when there is no SAN).</summary>
    public bool HostnameMatches { get; init; }

    /// <summary>Why the chain is not valid, e.g. "UntrustedRoot; NotTimeValid"; empty when it is.</summary>
    public string ChainErrors { get; init; } = "";

    /// <summary>
    /// Whether a default client (openssl, Python's ssl, a browser) would accept this connection, and if not the first
    /// reason it would give: OK, SelfSigned, UntrustedRoot, UnknownIssuer, InvalidSignature, Expired, NotYetValid or
    /// NameMismatch. Extra trusted certificates count, as a client's CA file would.
    /// </summary>
    public string Verdict { get; init; } = "";

    /// <summary>The openssl verify code of <see cref="Verdict"/> (0, 18, 19, 20, 7, 10, 9; 62 for a name mismatch).</summary>
    public int VerifyCode { get; init; }

    public string Thumbprint { get; init; } = "";

    public string SerialNumber { get; init; } = "";

    public string SignatureAlgorithm { get; init; } = "";

    public string KeyAlgorithm { get; init; } = "";

    public int KeySize { get; init; }

    public string Protocol { get; init; } = "";

    public string CipherSuite { get; init; } = "";

    /// <summary>DNS names and IP addresses in the SAN extension (joined with "; " in a CSV).</summary>
    public IReadOnlyList<string> SubjectAlternativeNames { get => _subjectAlternativeNames; init => _subjectAlternativeNames = ReadableList.From(value); }

    private readonly ReadableList<string> _subjectAlternativeNames = ReadableList.Empty<string>();

    internal X509Certificate2 Certificate { get; init; } = null!;

    internal IReadOnlyList<X509Certificate2> Chain { get; init; } = [];

    /// <summary>The server's certificate.</summary>
    public X509Certificate2 GetCertificate() => Certificate;

    /// <summary>The chain from the server's certificate to its root, as built here (falls back to what the server sent).</summary>
    public IReadOnlyList<X509Certificate2> GetChain() => Chain;
}
