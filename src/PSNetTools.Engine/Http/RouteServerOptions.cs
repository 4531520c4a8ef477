using System.Net;
using PSNetTools.Http.Hosting;

namespace PSNetTools.Http;

/// <summary>What a route's handler produced: the body and, unless the handler set one, its content type. Null body: 204.</summary>
public sealed record RouteResult(byte[]? Body, string ContentType);

public sealed record RouteServerOptions
{
    public required RouteTable Routes { get; init; }

    /// <summary>Runs the handler of route <c>index</c>; exceptions become 500s with a JSON error and no stack trace.</summary>
    public required Func<int, RouteRequest, CancellationToken, Task<RouteResult>> Dispatch { get; init; }

    public IPAddress Address { get; init; } = IPAddress.Loopback;

    public int Port { get; init; } = 5000;

    public string? Name { get; init; }

    /// <summary>A handler running longer than this is stopped and the client gets 503.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public long MaximumBodyBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Connection, header and body limits (MaxBodyBytes is taken from <see cref="MaximumBodyBytes"/>); null: the defaults.</summary>
    public HttpServerLimits? Limits { get; init; }
}
