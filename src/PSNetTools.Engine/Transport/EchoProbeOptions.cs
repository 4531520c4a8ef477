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

    /// <summary>Verbose lines per target: connecting, connected, the tally, and why probes were lost.</summary>
    public Action<string>? Log { get; init; }
}
