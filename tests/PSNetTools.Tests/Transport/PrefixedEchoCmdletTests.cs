using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Transport;

/// <summary>
/// Issue 13 item 18: Test-TcpEcho against the seed's select() echo server, which answers every recv(1024) behind a
/// prefix (tests/peers/transport/prefix_echo_server.py): replies of many prefixed pieces match at every size.
/// </summary>
public sealed class PrefixedEchoCmdletTests : IClassFixture<PrefixedEchoCmdletTests.Peer>
{
    private readonly Peer _peer;

    public PrefixedEchoCmdletTests(Peer peer) => _peer = peer;

    public sealed class Peer : IDisposable
    {
        private readonly PeerProcess _process;

        public Peer()
        {
            Port = Loopback.FreeTcpPort();
            _process = PeerProcess.Start("python3", $"{Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "transport", "prefix_echo_server.py")} {Port}", Port);
        }

        public int Port { get; }

        public void Dispose() => _process.Dispose();
    }

    [Fact]
    public void Replies_in_prefixed_pieces_match_from_1_byte_to_1_MiB()
    {
        var r = Ps.Run($$"""
            foreach ($size in 1, 16KB, 64KB, 1MB) {
                $row = Test-TcpEcho 127.0.0.1 -Port {{_peer.Port}} -Message ('x' * $size) -Count 2 -TimeoutSec 20
                "$size $($row.Received) $($row.Matched) $($row.AllMatched) $($row.LastReply.StartsWith('服务器回应: '))"
            }
            Test-TcpEcho 127.0.0.1 -Port {{_peer.Port}} -Message ('0123456789' * 10KB) -Quiet
            """, timeoutSec: 120);
        r.AssertNoErrors();
        Assert.Equal(["1 2 2 True True", "16384 2 2 True True", "65536 2 2 True True", "1048576 2 2 True True", "True"], r.Output.Select(o => o.ToString()));
    }
}
