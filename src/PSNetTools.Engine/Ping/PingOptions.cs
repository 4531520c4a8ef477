namespace PSNetTools.Ping;

public sealed record PingOptions
{
    /// <summary>Echo requests per host (ignored when Continuous).</summary>
    public int Count { get; init; } = 4;

    /// <summary>Time between two requests to the same host; all hosts are pinged side by side.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a reply may take before the request counts as lost.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Payload bytes after the ICMP header (ping's -s; Windows ping's -l).</summary>
    public int BufferSize { get; init; } = 32;

    /// <summary>IP time-to-live (IPv6 hop limit) of the requests; null for the system default.</summary>
    public int? Ttl { get; init; }

    /// <summary>Ping until cancelled, reporting every reply.</summary>
    public bool Continuous { get; init; }

    /// <summary>Hosts pinged at once.</summary>
    public int ThrottleLimit { get; init; } = 1024;

    public Action<string>? Warn { get; init; }
}
