namespace PSNetTools.Ping;

/// <summary>One echo request and its answer: a row of a continuous ping.</summary>
public sealed record PingReply
{
    public required string ComputerName { get; init; }

    public required string Address { get; init; }

    public int Sequence { get; init; }

    /// <summary>Success, TimedOut, DestinationUnreachable, TtlExpired or Other: a PingStatus name, held as text so that JSON writes the word, not a number.</summary>
    public string Status { get; init; } = "";

    /// <summary>Round trip in milliseconds; 0 when no reply came.</summary>
    public double RoundTripMs { get; init; }

    /// <summary>The reply's IPv4 TTL (0 for IPv6 and for lost requests).</summary>
    public int Ttl { get; init; }

    public int BufferSize { get; init; }

    /// <summary>Who answered: the target, or a router reporting unreachable/TTL expired.</summary>
    public string ReplyFrom { get; init; } = "";
}
