using System.Management.Automation;
using PSNetTools.Http.Hosting;

namespace PSNetTools.Commands.Servers;

/// <summary>
/// The parameters every HTTP server cmdlet shares (Start-HttpFileServer, Start-HttpServer, Start-XmlRpcServer,
/// Start-WebSocketEchoServer) beyond those of every server: the limits each connection is held to.
/// </summary>
public abstract class HttpServerCommand : ServerCommand
{
    private static readonly HttpServerLimits Defaults = new();

    /// <summary>Open connections at once; more are answered 503 and closed.</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int MaxConnections { get; set; } = Defaults.MaxConnections;

    /// <summary>From a request's first byte to the end of its headers; slower clients get 408.</summary>
    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double HeaderTimeoutSec { get; set; } = Defaults.HeaderTimeout.TotalSeconds;

    /// <summary>How long an idle keep-alive connection stays open between requests.</summary>
    [Parameter]
    [ValidateRange(0.1, 86400)]
    public double KeepAliveTimeoutSec { get; set; } = Defaults.KeepAliveTimeout.TotalSeconds;

    /// <summary>The longest wait for the next bytes of a request body (and for a client to take response bytes).</summary>
    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double BodyTimeoutSec { get; set; } = Defaults.BodyTimeout.TotalSeconds;

    /// <summary>The limits the parameters ask for (servers that take bodies set their own cap from -MaxBodyBytes).</summary>
    protected HttpServerLimits Limits() => new()
    {
        MaxConnections = MaxConnections,
        HeaderTimeout = TimeSpan.FromSeconds(HeaderTimeoutSec),
        KeepAliveTimeout = TimeSpan.FromSeconds(KeepAliveTimeoutSec),
        BodyTimeout = TimeSpan.FromSeconds(BodyTimeoutSec),
        WriteTimeout = TimeSpan.FromSeconds(Math.Max(BodyTimeoutSec, Defaults.WriteTimeout.TotalSeconds)),
    };
}
