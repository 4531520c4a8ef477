using System.Net;
using System.Net.Sockets;

namespace PSNetTools.Testing;

/// <summary>Ports, socket counts and third-party echo peers on loopback, for tests in both projects.</summary>
public static class Loopback
{
    /// <summary>A TCP port nothing listens on right now (bound then released by the OS).</summary>
    public static int FreeTcpPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

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

    public static int FreeUdpPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
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
