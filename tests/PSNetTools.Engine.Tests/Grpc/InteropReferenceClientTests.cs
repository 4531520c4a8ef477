using System.Diagnostics;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Grpc;

/// <summary>
/// The reference column of the interop table: grpc-js's own client (tests/peers/rpc/interop/client.js) runs every
/// interop case against the interop server, so a case the module fails is the module's fault, not the server's.
/// </summary>
public sealed class InteropReferenceClientTests(GrpcInteropPeer server) : IClassFixture<GrpcInteropPeer>
{
    [Fact]
    public async Task The_grpc_js_client_passes_every_interop_case_against_the_interop_server()
    {
        var psi = new ProcessStartInfo(PeerProcess.Require("node"), $"interop/client.js {server.Address}")
        {
            WorkingDirectory = GrpcPeers.NodeDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(process.ExitCode == 0, $"grpc-js interop client failed:\n{string.Join('\n', lines)}\n{await errors}");
        Assert.Equal("18 passed, 0 failed", lines[^1]);
        Assert.Equal(18, lines.Count(l => l.EndsWith(": passed", StringComparison.Ordinal)));
    }
}
