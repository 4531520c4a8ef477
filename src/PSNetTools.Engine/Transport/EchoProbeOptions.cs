using PSNetTools.Net;

namespace PSNetTools.Transport;

public sealed record EchoProbeOptions
{
    public int Port { get; init; }

    public string Message { get; init; } = "Hello, server!";

    /// <summary>Probes per target, sent one after another over one connection (TCP) or one socket (UDP).</summary>
    public int Count { get; init; } = 1;

    /// <summary>Wait for the connection and for each reply.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Targets probed at once.</summary>
    public int ThrottleLimit { get; init; } = 32;

    /// <summary>TCP only: a TLS handshake right after the connect, then the probes inside it (an echo server with a certificate).</summary>
    public bool UseTls { get; init; }

    /// <summary>The name sent as SNI and checked against the certificate; null: the target's name.</summary>
    public string? ServerName { get; init; }

    /// <summary>TLS: whom to trust (system roots, extra roots, or nothing checked) and the client certificate to offer.</summary>
    public TlsTrust Tls { get; init; } = TlsTrust.Default;

    /// <summary>Verbose lines per target: connecting, connected, the tally, and why probes were lost.</summary>
    public Action<string>? Log { get; init; }
}
