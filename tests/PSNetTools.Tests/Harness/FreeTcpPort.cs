using System.Net;
using System.Net.Sockets;

namespace PSNetTools.Tests.Harness;

public static class FreeTcpPort
{
    /// <summary>A port nothing listens on right now (bound then released by the OS).</summary>
    public static int Next()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
