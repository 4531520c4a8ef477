using System.Net;
using System.Net.Sockets;

namespace PSNetTools.Testing;

/// <summary>Ports, socket counts and third-party echo peers on loopback, for tests in both projects.</summary>
public static class Loopback
{
    // Ports a peer must bind come from below the kernel's ephemeral range (32768-60999 here), where no server started
    // on port 0 and no client's source port can land between the check and the peer's own bind: under a loaded CI run
    // a port the OS handed out once was taken again before nginx bound it ("duplicate listen"). A random start per
    // process keeps the test projects (and the Pester processes) apart.
    private const int PeerPortFirst = 20000, PeerPortCount = 12000;
    private static int _nextPeerPort = Random.Shared.Next(PeerPortCount);

    /// <summary>A TCP port nothing listens on right now, for a peer to bind (below the ephemeral range).</summary>
    public static int FreeTcpPort() => NextPeerPort(port =>
    {
        using var l = new TcpListener(IPAddress.Loopback, port);
        l.Start();
    });

    // Bound but never listening: a connect to it is refused for as long as the process lives, and no other test's
    // server (or a client's ephemeral port) can take it meanwhile, which a released FreeTcpPort allows under load.
    private static readonly List<Socket> HeldClosedPorts = [];

    /// <summary>A TCP port that refuses connections for the rest of the test run (a bound socket that never listens).</summary>
    public static int ClosedTcpPort()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        lock (HeldClosedPorts) HeldClosedPorts.Add(s);
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    /// <summary>A UDP port nothing is bound to right now, for a peer to bind (below the ephemeral range).</summary>
    public static int FreeUdpPort() => NextPeerPort(port =>
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, port));
    });

    private static int NextPeerPort(Action<int> bind)
    {
        for (var attempt = 0; attempt < PeerPortCount; attempt++)
        {
            var port = PeerPortFirst + Interlocked.Increment(ref _nextPeerPort) % PeerPortCount;
            try
            {
                bind(port);
                return port;
            }
            catch (SocketException)
            {
                // Taken: the next one.
            }
        }
        throw new InvalidOperationException($"no free port in {PeerPortFirst}-{PeerPortFirst + PeerPortCount - 1}");
    }

    /// <summary>Socket descriptors this process holds (Linux: /proc/self/fd links to "socket:[inode]").</summary>
    public static int OpenSockets()
    {
        var count = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true) count++;
            }
            catch (IOException)
            {
            }
        }
        return count;
    }

    /// <summary>socat echoing TCP on a free port (the third-party echo peer from PEERS.md).</summary>
    public static (PeerProcess Peer, int Port) SocatTcpEcho()
    {
        var port = FreeTcpPort();
        return (PeerProcess.Start("socat", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork EXEC:cat", port), port);
    }

    /// <summary>socat echoing UDP datagrams on a free port; waits until it answers.</summary>
    public static (PeerProcess Peer, int Port) SocatUdpEcho()
    {
        var port = FreeUdpPort();
        var peer = PeerProcess.Start("socat", $"UDP-RECVFROM:{port},bind=127.0.0.1,fork EXEC:cat");
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 100 };
        probe.Connect(IPAddress.Loopback, port);
        var buffer = new byte[16];
        for (var i = 0; i < 100; i++)
        {
            try
            {
                probe.Send("up"u8);
                if (probe.Receive(buffer) > 0) return (peer, port);
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        peer.Dispose();
        Assert.Fail($"socat UDP echo on 127.0.0.1:{port} never answered");
        return default;
    }
}
