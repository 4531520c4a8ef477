using System.Net;

namespace PSNetTools.Transport;

public sealed record UdpEchoServerOptions
{
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>0 lets the operating system pick a free port.</summary>
    public int Port { get; init; }

    public string? Name { get; init; }

    /// <summary>Text sent before each echoed datagram, as the seed's server answers "服务器已收到: " + message.</summary>
    public string? ResponsePrefix { get; init; }
}
