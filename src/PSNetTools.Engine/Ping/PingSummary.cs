using PSNetTools.Net;

namespace PSNetTools.Ping;

/// <summary>What Test-Ping returns per host: fping -c style statistics.</summary>
public sealed record PingSummary
{
    public required string ComputerName { get; init; }

    public required string Address { get; init; }

    public int Sent { get; init; }

    public int Received { get; init; }

    public double LossPercent { get; init; }

    public double MinMs { get; init; }

    public double AvgMs { get; init; }

    public double MaxMs { get; init; }

    /// <summary>Population standard deviation of the round trips (as ping's mdev).</summary>
    public double StdDevMs { get; init; }

    /// <summary>Success (every reply), PartialLoss, TimedOut (none), or the error the network reported (DestinationUnreachable, TtlExpired).</summary>
    public string Status { get; init; } = "";

    public static PingSummary From(string computerName, string address, IReadOnlyCollection<PingReply> replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        var times = replies.Where(r => r.Status == nameof(PingStatus.Success)).Select(r => r.RoundTripMs).ToList();
        var stats = RoundTripStats.From(times);
        var sent = replies.Count;
        var status = sent == 0 ? "NotSent"
            : times.Count == sent ? "Success"
            : times.Count > 0 ? "PartialLoss"
            : replies.FirstOrDefault(r => r.Status is nameof(PingStatus.DestinationUnreachable) or nameof(PingStatus.TtlExpired)) is { } error ? error.Status
            : "TimedOut";
        return new PingSummary
        {
            ComputerName = computerName,
            Address = address,
            Sent = sent,
            Received = times.Count,
            LossPercent = sent == 0 ? 0 : Math.Round(100.0 * (sent - times.Count) / sent, 2),
            MinMs = stats.MinMs,
            AvgMs = stats.AvgMs,
            MaxMs = stats.MaxMs,
            StdDevMs = stats.StdDevMs,
            Status = status,
        };
    }
}
