using System.Diagnostics;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.XmlRpc;

/// <summary>
/// Issue 13: UserLand's validator1 both ways with CPython as the reference (tests/peers/rpc/validator1.py and .ps1),
/// random inputs from a fixed seed with the edge values mixed in. The counts go to docs/conformance.md.
/// </summary>
public sealed class XmlRpcValidator1Tests
{
    private const int Rounds = 50;
    private static readonly string Rpc = Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "rpc");

    private static void AssertAllPassed(IReadOnlyList<string> lines, string context)
    {
        Assert.Equal(9, lines.Count);
        Assert.All(lines.Take(8), l => Assert.Matches(@"^validator1\.\w+ (\d+)/\1$", l));
        Assert.True(lines[8] == $"total {8 * Rounds}/{8 * Rounds}", context + "\n" + string.Join('\n', lines));
    }

    [Fact]
    public async Task CPythons_client_validates_Start_XmlRpcServer()
    {
        var start = Ps.Run($". '{Path.Combine(Rpc, "validator1.ps1")}'\n$rpc = Start-XmlRpcServer -Port 0 -Method $Validator1Methods\n$rpc.Port");
        start.AssertNoErrors();
        var port = (int)start.One().BaseObject;
        try
        {
            var psi = new ProcessStartInfo(PeerProcess.Require("python3")) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { Path.Combine(Rpc, "validator1.py"), "client", $"http://127.0.0.1:{port}/", "1", Rounds.ToString(System.Globalization.CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
            using var py = Process.Start(psi)!;
            var errors = py.StandardError.ReadToEndAsync();
            var output = py.StandardOutput.ReadToEnd();
            Assert.True(py.WaitForExit(120_000), "validator1.py did not finish");
            AssertAllPassed(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), await errors);
        }
        finally
        {
            Ps.Run($"Get-NetServer | Where-Object Port -eq {port} | Stop-NetServer").AssertNoErrors();
        }
    }

    [Fact]
    public void Invoke_XmlRpc_validates_against_CPythons_SimpleXMLRPCServer()
    {
        var port = Loopback.FreeTcpPort();
        using var python = PeerProcess.Start("python3", $"{Path.Combine(Rpc, "validator1.py")} server {port}", port);
        var r = Ps.Run($". '{Path.Combine(Rpc, "validator1.ps1")}'\nInvoke-Validator1 'http://127.0.0.1:{port}/RPC2' 1 {Rounds}", timeoutSec: 300);
        AssertAllPassed(r.Output.Select(o => o.ToString()).ToList(), string.Join("\n", r.Warnings.Select(w => w.Message).Concat(r.Errors.Select(e => e.ToString()))));
    }
}
