namespace PSNetTools.Grpc;

/// <summary>One grpc.health.v1 check, as grpc_health_probe reports it.</summary>
public sealed record GrpcHealthResult
{
    public required string Address { get; init; }

    /// <summary>The service asked about; empty for the server as a whole.</summary>
    public required string Service { get; init; }

    /// <summary>Serving, NotServing, ServiceUnknown or Unknown.</summary>
    public required string Status { get; init; }

    public bool IsServing => Status == "Serving";

    public double LatencyMs { get; init; }

    public DateTime Timestamp { get; init; }
}
