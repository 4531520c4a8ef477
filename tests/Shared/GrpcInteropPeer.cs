namespace PSNetTools.Testing;

/// <summary>
/// The gRPC interop server (tests/peers/rpc/interop/server.js, npm @grpc/grpc-js: grpc.testing.TestService with
/// reflection, written from grpc/grpc doc/interop-test-descriptions.md) on a free port of 127.0.0.1, plaintext.
/// One per test class (an xunit class fixture): the interop cases share it as the interop client shares its server.
/// </summary>
public sealed class GrpcInteropPeer : IDisposable
{
    private readonly PeerProcess _peer;

    public GrpcInteropPeer()
    {
        if (!Directory.Exists(Path.Combine(GrpcPeers.NodeDir, "node_modules", "@grpc", "grpc-js")))
        {
            Assert.Fail("npm @grpc/grpc-js is not installed in tests/peers/rpc: run 'sudo bash tests/peers/install.sh' (it runs npm ci there).");
        }
        var port = Loopback.FreeTcpPort();
        _peer = PeerProcess.Start("node", $"interop/server.js {port}", port, GrpcPeers.NodeDir);
        Address = $"127.0.0.1:{port}";
    }

    /// <summary>127.0.0.1:PORT.</summary>
    public string Address { get; }

    /// <summary>tests/peers/rpc/interop: test.proto, messages.proto, empty.proto (imports relative to it).</summary>
    public static string ProtoDir { get; } = Path.Combine(GrpcPeers.NodeDir, "interop");

    public void Dispose() => _peer.Dispose();
}
