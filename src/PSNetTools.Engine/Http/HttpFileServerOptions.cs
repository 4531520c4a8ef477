using System.Net;
using PSNetTools.Http.Hosting;

namespace PSNetTools.Http;

public sealed record HttpFileServerOptions
{
    /// <summary>The folder served; nothing outside it is ever listed or read.</summary>
    public required string Root { get; init; }

    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; } = 8000;

    public string? Name { get; init; }

    public bool NoDirectoryListing { get; init; }

    /// <summary>Connection, header and body limits; null: the defaults.</summary>
    public HttpServerLimits? Limits { get; init; }
}
