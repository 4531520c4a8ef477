using System.Globalization;
using PSNetTools.Testing;

namespace PSNetTools.Tests.Harness;

/// <summary>
/// A server process held to a common `ulimit -n` of 1,024 (prlimit), far below a server's own cap of 10,000
/// connections, then flooded with 3,000 idle ones. Without the descriptor budget the descriptors ran out and the
/// runtime, unable to start a thread, aborted the process ("Out of memory.", exit 134).
/// </summary>
public static class OpenFileLimit
{
    /// <summary>Asserts the process lives through the flood and holds what the budget allows: 1,024 less a reserve of 256, 768.</summary>
    public static void FloodUnder1024(ServerProcess server)
    {
        ArgumentNullException.ThrowIfNull(server);
        PeerProcess.Run("prlimit", $"--pid {server.Pid} --nofile=1024:1024");
        using (var idle = HostilePeer.Start("http_client.py", "idle", "127.0.0.1", server.Port.ToString(CultureInfo.InvariantCulture), "3000", "5"))
        {
            // On a loaded machine a few connects may fail (a full backlog): the count held is what is checked.
            var open = idle.ReadJson(120).GetProperty("open").GetInt32();
            Assert.True(open >= 2500, $"only {open} of 3,000 connections opened");
            Assert.True(server.IsAlive, server.Output);
            var closed = idle.ReadJson(60).GetProperty("closed_by_server").GetInt32();
            Assert.InRange(open - closed, 700, 800);
        }
        Assert.True(server.IsAlive, server.Output);
    }
}
