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

    public required string Subject { get; init; }

    public required string Issuer { get; init; }

    public DateTime NotBefore { get; init; }

    public DateTime NotAfter { get; init; }

    /// <summary>Whole days until NotAfter; negative once expired.</summary>
    public int DaysUntilExpiry { get; init; }

    public bool IsExpired { get; init; }

    /// <summary>The chain builds to a root this system trusts, or to one given with -TrustedCertificate.</summary>
    public bool IsTrusted { get; init; }

    /// <summary>The certificate is valid for ServerName (SAN DNS names with wildcards, SAN IP addresses, or the CN when there is no SAN).</summary>
    public bool HostnameMatches { get; init; }

    /// <summary>Why the chain is not valid, e.g. "UntrustedRoot; NotTimeValid"; empty when it is.</summary>
    public string ChainErrors { get; init; } = "";

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
