using PSNetTools.Testing;

namespace PSNetTools.Tests.Harness;

public static class FreeTcpPort
{
    /// <summary>A port nothing listens on right now, for a peer to bind: <see cref="Loopback.FreeTcpPort"/>.</summary>
    public static int Next() => Loopback.FreeTcpPort();
}
