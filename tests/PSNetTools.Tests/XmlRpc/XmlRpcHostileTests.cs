using System.Diagnostics;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.XmlRpc;

/// <summary>
/// Issue 10 items 1 and 2: XML nested 400,000 deep killed the process (stack overflow in a recursive walk). The
/// server and the client run in a child process, so a crash shows as its exit code instead of killing the test run.
/// </summary>
public sealed class XmlRpcHostileTests
{
    private static readonly string Hostile = Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "hostile");

    private static string[] Lines(string stdout) => stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void A_server_survives_calls_nested_400000_deep_and_answers_the_next_call()
    {
        var python = PeerProcess.Require("python3");
        var (code, stdout, stderr) = FreshProcess.Run($$"""
            Import-Module $ModuleManifestPath
            $rpc = Start-XmlRpcServer -Port 0 -Method @{ echo = { param($v) $v } }
            & '{{python}}' '{{Path.Combine(Hostile, "xmlrpc_deep_call_client.py")}}' $rpc.Port
            'alive'
            $rpc | Stop-NetServer
            """, timeoutSec: 120);
        var lines = Lines(stdout);
        Assert.True(code == 0 && lines.Contains("alive"), $"exit {code}: {stdout}{stderr}");
        // Each hostile call is a parse-error fault that says why, and the next honest call is answered.
        Assert.StartsWith("deepname 200 -32700 Parse error: ", lines.Single(l => l.StartsWith("deepname", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("holds an element", lines.Single(l => l.StartsWith("deepname", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("holds an element", lines.Single(l => l.StartsWith("deepstring", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("deeper than 64 levels", lines.Single(l => l.StartsWith("deeparray 200 -32700", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("next still here", lines);
    }

    [Fact]
    public void A_client_survives_answers_nested_400000_deep_and_makes_the_next_call()
    {
        var port = Loopback.FreeTcpPort();
        using var server = PeerProcess.Start("python3", $"{Path.Combine(Hostile, "xmlrpc_deep_answer_server.py")} {port}", port);
        var (code, stdout, stderr) = FreshProcess.Run($$"""
            Import-Module $ModuleManifestPath
            $u = 'http://127.0.0.1:{{port}}/RPC2'
            foreach ($m in 'deepstring', 'deeparray', 'deepfault') {
                try { $null = Invoke-XmlRpc $u -Method $m -ErrorAction Stop; "$m|returned" }
                catch { "$m|$($_.FullyQualifiedErrorId.Split(',')[0])|$($_.Exception.Message)|$($_.ErrorDetails.RecommendedAction)" }
            }
            'next|' + (Invoke-XmlRpc $u -Method honest)
            """, timeoutSec: 120);
        var lines = Lines(stdout);
        // Exit code 1 is the caught errors (pshost reports HadErrors); a crash is 134 and no "next" line.
        Assert.True(lines.Contains("next|ok"), $"exit {code}: {stdout}{stderr}");
        var deepString = lines.Single(l => l.StartsWith("deepstring|", StringComparison.Ordinal)).Split('|');
        // Issue 11: a broken answer is ProtocolError in every cmdlet; a limit has its own id.
        Assert.Equal("ProtocolError", deepString[1]);
        Assert.Contains("holds an element", deepString[2], StringComparison.Ordinal);
        var deepArray = lines.Single(l => l.StartsWith("deeparray|", StringComparison.Ordinal)).Split('|');
        Assert.Equal("MaxDepthExceeded", deepArray[1]);
        Assert.Contains("the answer nests values deeper than 64 levels", deepArray[2], StringComparison.Ordinal);
        Assert.Contains("-MaxDepth", deepArray[3], StringComparison.Ordinal);
        Assert.Equal("ProtocolError", lines.Single(l => l.StartsWith("deepfault|", StringComparison.Ordinal)).Split('|')[1]);
    }

    [Fact]
    public void MaxDepth_lets_a_deeper_answer_through_and_a_lower_one_refuses_it()
    {
        var r = Ps.Run("""
            $rpc = Start-XmlRpcServer -Port 0 -Method @{ nest = { param($n) $v = 'core'; for ($i = 0; $i -lt $n; $i++) { $v = @{ v = $v } }; $v } }
            $u = "http://127.0.0.1:$($rpc.Port)/RPC2"
            $v = Invoke-XmlRpc $u -Method nest -Argument 10; $v.v.v.v.v.v.v.v.v.v.v
            Invoke-XmlRpc $u -Method nest -Argument 10 -MaxDepth 5 -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].Exception.Message
            $rpc | Stop-NetServer
            """);
        Assert.Equal("core", r.Output[0].BaseObject);
        Assert.Contains("deeper than 5 levels", (string)r.Output[1].BaseObject, StringComparison.Ordinal);
    }

    [Fact]
    public void Whitespace_only_strings_carriage_returns_and_an_empty_member_name_survive_both_ways()
    {
        var r = Ps.Run("""
            $rpc = Start-XmlRpcServer -Port 0 -Method @{ echo = { param($v) $v }; keys = { param($v) ($v.Keys | ForEach-Object { "[$_]" }) -join '' } }
            $u = "http://127.0.0.1:$($rpc.Port)/RPC2"
            foreach ($s in '   ', "a`r`nb`rc", "`t`n ", '') { [string]::Join(',', [int[]][char[]](Invoke-XmlRpc $u -Method echo -Argument $s)) }
            Invoke-XmlRpc $u -Method keys -Argument ([ordered]@{ '' = 1; x = 2 })
            $back = Invoke-XmlRpc $u -Method echo -Argument @{ '' = 'empty' }
            $back['']
            $rpc | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.Equal<object>(["32,32,32", "97,13,10,98,13,99", "9,10,32", "", "[][x]", "empty"], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Python_sees_whitespace_and_carriage_returns_that_our_server_answers()
    {
        var start = Ps.Run("""
            (Start-XmlRpcServer -Port 0 -Method @{ echo = { param($v) $v }; cr = { "a`r`nb`rc" }; keys = { param($v) ($v.Keys | ForEach-Object { "[$_]" }) -join '' } }).Port
            """);
        start.AssertNoErrors();
        var port = (int)start.One().BaseObject;
        try
        {
            var psi = new ProcessStartInfo(PeerProcess.Require("python3")) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-c", $"import xmlrpc.client as x; p = x.ServerProxy('http://127.0.0.1:{port}/RPC2'); print(repr(p.echo('   ')), repr(p.cr()), p.keys({{'': 1, 'x': 2}}))" }) psi.ArgumentList.Add(a);
            using var py = Process.Start(psi)!;
            var output = py.StandardOutput.ReadToEnd() + py.StandardError.ReadToEnd();
            py.WaitForExit(30_000);
            Assert.Equal("'   ' 'a\\r\\nb\\rc' [][x]", output.Trim());
        }
        finally
        {
            Ps.Run($"Get-NetServer | Where-Object Port -eq {port} | Stop-NetServer").AssertNoErrors();
        }
    }
}
