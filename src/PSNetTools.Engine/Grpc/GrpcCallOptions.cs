namespace PSNetTools.Grpc;

public sealed record GrpcCallOptions
{
    /// <summary>The whole call must finish within this (the server sees it as grpc-timeout); null: no deadline.</summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary>Request headers for this call, on top of the connection's.</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; init; } = new Dictionary<string, object>();

    /// <summary>The encoding of request messages: "gzip", or "identity" / null (not compressed).</summary>
    public string? Compression { get; init; }

    /// <summary>
    /// Told how the call ended (status, headers, trailers), on success and on failure, before the responses end: a
    /// caller that reads every response has it by then. Null: the metadata is only logged.
    /// </summary>
    public Action<GrpcCallResult>? Completed { get; init; }
}
