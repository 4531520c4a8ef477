using System.Net;
using PSNetTools.Http.Hosting;

namespace PSNetTools.WebSockets;

public sealed record WebSocketEchoServerOptions
{
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    public int Port { get; init; }

    public string? Name { get; init; }

    /// <summary>Text (UTF-8) put in front of every echoed message.</summary>
    public string? ResponsePrefix { get; init; }

    /// <summary>A larger message closes that connection with 1009 Message Too Big.</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>A client silent this long is disconnected.</summary>
    public double IdleTimeoutSec { get; init; } = 300;

    /// <summary>Connection and handshake limits; null: the defaults.</summary>
    public HttpServerLimits? Limits { get; init; }
}
