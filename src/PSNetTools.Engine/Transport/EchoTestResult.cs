using PSNetTools.Net;

namespace PSNetTools.Transport;

/// <summary>What Test-TcpEcho and Test-UdpEcho return: one row per target and port.</summary>
public sealed record EchoTestResult
{
    public required string ComputerName { get; init; }

    public required string Address { get; init; }

    public required int Port { get; init; }

    /// <summary>Tcp or Udp.</summary>
    public required string Protocol { get; init; }

    public int Sent { get; init; }

    /// <summary>Replies that came back within the timeout, matching or not.</summary>
    public int Received { get; init; }

    public int Lost { get; init; }

    /// <summary>Replies that were the message, whole or in pieces each behind the same prefix (servers that answer behind a prefix; see EchoStreamMatcher).</summary>
    public int Matched { get; init; }

    /// <summary>True only when every probe came back and matched.</summary>
    public bool AllMatched => Sent > 0 && Matched == Sent;

    // Null when no probe came back: 0.00 would read as an instant answer, and Measure-Object skips nulls.
    public double? MinMs { get; init; }

    public double? AvgMs { get; init; }

    public double? MaxMs { get; init; }

    /// <summary>The last reply as text, to show what a server that does not echo actually said.</summary>
    public string? LastReply { get; init; }

    /// <summary>The TLS version negotiated when the probes ran inside TLS (Tls12, Tls13); null over plain TCP and UDP.</summary>
    public string? TlsProtocol { get; init; }

    internal static EchoTestResult From(ResolvedTarget target, int port, string protocol, int sent, IReadOnlyCollection<double> times, int matched, string? lastReply, string? tlsProtocol = null)
    {
        var stats = RoundTripStats.From(times);
        var any = times.Count > 0;
        return new EchoTestResult
        {
            ComputerName = target.ComputerName,
            Address = target.Address.ToString(),
            Port = port,
            Protocol = protocol,
            Sent = sent,
            Received = times.Count,
            Lost = sent - times.Count,
            Matched = matched,
            MinMs = any ? stats.MinMs : null,
            AvgMs = any ? stats.AvgMs : null,
            MaxMs = any ? stats.MaxMs : null,
            LastReply = lastReply,
            TlsProtocol = tlsProtocol,
        };
    }
}
