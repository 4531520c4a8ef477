using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace PSNetTools.Transport;

public sealed record TcpEchoServerOptions
{
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>0 lets the operating system pick a free port.</summary>
    public int Port { get; init; }

    public string? Name { get; init; }

    /// <summary>Text sent before each echoed chunk, as the seed's server answers "服务器已收到: " + message.</summary>
    public string? ResponsePrefix { get; init; }

    /// <summary>With a certificate (and its private key) the server speaks TLS.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>
    /// The intermediate CAs sent after <see cref="Certificate"/> (from the same PFX or PEM file), so a client that trusts
    /// only the root can build the path: servers send their chain, clients do not fetch what is missing.
    /// </summary>
    public IReadOnlyList<X509Certificate2> CertificateChain { get; init; } = [];

    /// <summary>A client that sends nothing for this long is disconnected.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Connections beyond this many are closed on arrival, so a flood cannot exhaust the process.</summary>
    public int MaxConnections { get; init; } = 10_000;

    public int Backlog { get; init; } = 1024;
}
