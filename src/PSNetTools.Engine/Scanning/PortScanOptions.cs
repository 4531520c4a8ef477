namespace PSNetTools.Scanning;

public sealed record PortScanOptions
{
    /// <summary>Ports in the order they are tried on each host.</summary>
    public IReadOnlyList<int> Ports { get; init; } = ServiceNames.CommonPorts;

    /// <summary>How long a connect may stay unanswered before the port counts as Filtered.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Connects in flight at once.</summary>
    public int ThrottleLimit { get; init; } = 1000;

    /// <summary>Also report Closed and Filtered ports (otherwise only Open ones).</summary>
    public bool IncludeClosed { get; init; }

    /// <summary>
    /// How many probes the scan may hold at once, counting queued and in-flight probes, rows held for ordering and
    /// rows the consumer has not taken yet (at least twice ThrottleLimit, so the connects keep their concurrency).
    /// A consumer that reads slowly slows the scan to its pace: the held rows cost at most this many, not the scan's size.
    /// </summary>
    internal int RowCapacity { get; init; } = 16384;

    /// <summary>
    /// Verbose lines: what the scan is about to do, what each name resolved to, each open port, one tally per host when
    /// its last port is done, and the local limit (ports, descriptors) when connects run into it. Never one per closed port.
    /// </summary>
    public Action<string>? Log { get; init; }
}
