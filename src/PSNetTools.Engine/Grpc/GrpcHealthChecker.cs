using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;

namespace PSNetTools.Grpc;

/// <summary>grpc.health.v1.Health/Check, the protocol grpc_health_probe and Kubernetes gRPC probes speak.</summary>
public static class GrpcHealthChecker
{
    /// <exception cref="GrpcCallException">The server could not be asked (unreachable, no health service, deadline).</exception>
    public static async Task<GrpcHealthResult> CheckAsync(GrpcConnection connection, string service, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        service ??= "";
        var client = new global::Grpc.Health.V1.Health.HealthClient(connection.Invoker);
        var watch = Stopwatch.StartNew();
        string status;
        try
        {
            var response = await client.CheckAsync(new HealthCheckRequest { Service = service }, connection.Headers(), DateTime.UtcNow + timeout, cancellationToken).ConfigureAwait(false);
            status = response.Status switch
            {
                HealthCheckResponse.Types.ServingStatus.Serving => "Serving",
                HealthCheckResponse.Types.ServingStatus.NotServing => "NotServing",
                HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "ServiceUnknown",
                _ => "Unknown",
            };
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            // The health protocol answers NOT_FOUND for a service it has never heard of.
            status = "ServiceUnknown";
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
        {
            throw new GrpcCallException(GrpcStatusCode.Unimplemented, "the server does not implement the gRPC health protocol (grpc.health.v1.Health)", "grpc.health.v1.Health/Check", inner: ex);
        }
        catch (RpcException ex)
        {
            throw GrpcCallException.From(ex, "grpc.health.v1.Health/Check");
        }
        return new GrpcHealthResult
        {
            Address = connection.Options.Address,
            Service = service,
            Status = status,
            LatencyMs = Math.Round(watch.Elapsed.TotalMilliseconds, 3),
            Timestamp = DateTime.UtcNow,
        };
    }
}
