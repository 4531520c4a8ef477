using System.Security.Cryptography.X509Certificates;

namespace PSNetTools.Tls;

/// <summary>What Get-TlsCertificate returns: the server's certificate, judged, with the chain for those who want it.</summary>
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

    /// <summary>The chain builds to a root this system trusts, or to one of the options' TrustedCertificates.</summary>
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

    public IReadOnlyList<string> SubjectAlternativeNames { get; init; } = [];

    public required X509Certificate2 Certificate { get; init; }

    /// <summary>The chain from the server's certificate to its root, as built here (falls back to what the server sent).</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; init; } = [];
}
