using System.Text;
using PSNetTools.Net;
using PSNetTools.Resilience;

namespace PSNetTools.Transport;

/// <summary>What Send-TcpMessage and Send-UdpMessage send and how long they wait.</summary>
public sealed record MessageOptions
{
    public int Port { get; init; }

    /// <summary>Each payload is sent in turn over one connection (TCP) or as one datagram (UDP); each gets its own reply row.</summary>
    public IReadOnlyList<byte[]> Payloads { get; init; } = [];

    /// <summary>How replies are decoded into Text.</summary>
    public Encoding Encoding { get; init; } = new UTF8Encoding(false);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for the first byte of a reply.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Once a reply has started, this long without more bytes ends it (TCP has no message boundaries).</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The default of <see cref="MaxReplyBytes"/>: 16 MB.</summary>
    public const int DefaultMaxReplyBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The most bytes one reply may hold. A peer that keeps sending (TCP has no message boundaries, UDP datagrams
    /// can keep coming) would otherwise fill the session's memory; past it the reply is dropped with ReplyTooLarge.
    /// </summary>
    public int MaxReplyBytes { get; init; } = DefaultMaxReplyBytes;

    /// <summary>UDP: send and do not wait for replies.</summary>
    public bool NoResponse { get; init; }

    public bool UseTls { get; init; }

    /// <summary>TLS: the name to ask for (SNI) and to check the certificate against; default the target's name.</summary>
    public string? ServerName { get; init; }

    /// <summary>TLS: whom to trust (system roots, extra roots, or nothing checked) and the client certificate to offer.</summary>
    public TlsTrust Tls { get; init; } = TlsTrust.Default;

    /// <summary>Applies to connecting (and the TLS handshake); a conversation that broke half-way is not replayed.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    public Action<string>? Log { get; init; }

    public int ThrottleLimit { get; init; } = 32;
}
