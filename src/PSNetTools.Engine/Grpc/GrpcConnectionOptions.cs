using System.Security.Cryptography.X509Certificates;

namespace PSNetTools.Grpc;

public sealed record GrpcConnectionOptions
{
    /// <summary>host:port, [v6]:port, or an http:// or https:// URI (the scheme then decides TLS).</summary>
    public required string Address { get; init; }

    /// <summary>HTTP/2 without TLS (h2c), as grpcurl -plaintext.</summary>
    public bool Plaintext { get; init; }

    public bool SkipCertificateCheck { get; init; }

    /// <summary>
    /// The server's name for :authority, SNI and the certificate check, when it differs from the address connected to
    /// (grpcurl -authority, the interop tests' --server_host_override); null: the address's host.
    /// </summary>
    public string? ServerName { get; init; }

    /// <summary>Roots trusted for the server's certificate besides the system's (a private CA); the name is still checked.</summary>
    public IReadOnlyList<X509Certificate2> TrustedRoots { get; init; } = [];

    /// <summary>A client certificate with its private key, for servers that require mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Headers sent with every call, reflection and health checks included (e.g. authorization).</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; init; } = new Dictionary<string, object>();

    public Action<string>? Log { get; init; }
}
