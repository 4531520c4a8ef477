namespace PSNetTools.Grpc;

public sealed record GrpcCallOptions
{
    /// <summary>The whole call must finish within this (the server sees it as grpc-timeout); null: no deadline.</summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary>Request headers for this call, on top of the connection's.</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; init; } = new Dictionary<string, object>();
}
