using System.Diagnostics;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.XmlRpc;

/// <summary>Invoke-XmlRpc against Python's xmlrpc.server, and Python's xmlrpc.client against Start-XmlRpcServer.</summary>
public sealed class XmlRpcTests : IClassFixture<XmlRpcTests.Peer>
{
    private readonly Peer _peer;

    public XmlRpcTests(Peer peer) => _peer = peer;

    public sealed class Peer : IDisposable
    {
        public Peer()
        {
            Port = Loopback.FreeTcpPort();
            Python = PeerProcess.Start("python3", $"{Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "rpc", "xmlrpc_peer.py")} {Port}", Port);
        }

        public int Port { get; }

        public PeerProcess Python { get; }

        public string Uri => $"http://127.0.0.1:{Port}/RPC2";

        public void Dispose() => Python.Dispose();
    }

    [Fact]
    public void Our_client_against_python_round_trips_every_type()
    {
        var r = Ps.Run($$"""
            $u = '{{_peer.Uri}}'
            Invoke-XmlRpc $u -Method add -Argument 3, 5
            $v = Invoke-XmlRpc $u -Method echo -Argument @{ i = 42; t = $true; s = '张三 <&>'; d = 2.5; when = [datetime]'2024-01-02T03:04:05'; bytes = [byte[]](0, 1, 255); arr = 1, 'two', $null; nested = [pscustomobject]@{ x = @{ y = 'z' } } }
            $v.i; $v.t; $v.s; $v.d; $v.when.ToString('s'); ($v.bytes -join ','); $v.arr.Count; $v.arr[2] -eq $null; $v.nested.x.y
            (Invoke-XmlRpc $u -Method system.listMethods) -contains 'divide'
            Invoke-XmlRpc $u -Multicall @{ Method = 'add'; Argument = 1, 2 }, @{ Method = 'add'; Argument = 3, 4 }
            """);
        r.AssertNoErrors();
        Assert.Equal<object>([8, 42, true, "张三 <&>", 2.5, "2024-01-02T03:04:05", "0,1,255", 3, true, "z", true, 3, 7], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Faults_are_errors_with_code_and_text_and_transport_failures_are_distinct()
    {
        var r = Ps.Run($$"""
            try { Invoke-XmlRpc '{{_peer.Uri}}' -Method divide -Argument 1, 0 -ErrorAction Stop } catch { $_.FullyQualifiedErrorId; $_.Exception.FaultString }
            Invoke-XmlRpc 'http://127.0.0.1:{{Loopback.ClosedTcpPort()}}/RPC2' -Method add -Argument 1, 2 -TimeoutSec 5
            Invoke-XmlRpc 'http://127.0.0.1:{{_peer.Port}}/not-rpc' -Method add -Argument 1, 2
            """);
        Assert.StartsWith("XmlRpcFault", (string)r.Output[0].BaseObject, StringComparison.Ordinal);
        Assert.Contains("除数不能为零", (string)r.Output[1].BaseObject, StringComparison.Ordinal);
        // The caught fault is not in the error stream; the two transport failures are.
        Assert.Equal(["ConnectionRefused", "HttpError"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Contains("/RPC2", r.Errors[0].Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Back_to_back_calls_to_an_http_1_0_server_never_reuse_its_closing_connections()
    {
        // Python's server answers HTTP/1.0 and closes; a pooled connection reused at once failed about one call in ten.
        var r = Ps.Run($$"""
            $u = '{{_peer.Uri}}'
            $sum = 0
            1..400 | ForEach-Object { [pscustomobject]@{ Uri = $u; Method = 'add'; Argument = $_, 1 } } | Invoke-XmlRpc | ForEach-Object { $sum += $_ }
            $sum
            """);
        r.AssertNoErrors();
        Assert.Equal(400 * 401 / 2 + 400, r.One().BaseObject);
    }

    [Fact]
    public void An_answer_over_64_MB_is_refused_with_its_reason_not_parsed_as_cut_off_XML()
    {
        var r = Ps.Run("""
            $rpc = Start-XmlRpcServer -Port 0 -Method @{ big = { 'x' * 70MB }; small = { 'ok' } }
            $u = "http://127.0.0.1:$($rpc.Port)/RPC2"
            Invoke-XmlRpc $u -Method big -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId.Split(',')[0]; $e[0].Exception.Message
            Invoke-XmlRpc $u -Method small
            $rpc | Stop-NetServer
            """, timeoutSec: 120);
        Assert.Equal("ReplyTooLarge", r.Output[0].BaseObject);
        Assert.Contains("larger than 64 MB", (string)r.Output[1].BaseObject, StringComparison.Ordinal);
        Assert.Equal("ok", r.Output[2].BaseObject);
    }

    [Fact]
    public void Throttled_calls_overlap_and_keep_the_input_order()
    {
        // The server counts the calls it holds at once (a process-wide gate its runspaces share): -ThrottleLimit 4
        // keeps up to four in flight, none of them more, and the answers still come in the input's order. Counted,
        // not timed: an earlier version compared elapsed times and failed on a loaded machine.
        var r = Ps.Run("""
            $gate = [hashtable]::Synchronized(@{ Now = 0; Max = 0 })
            [AppDomain]::CurrentDomain.SetData('psnt-xmlrpc-overlap', $gate)
            $rpc = Start-XmlRpcServer -Port 0 -Method @{ slowadd = {
                param($x, $y)
                $g = [AppDomain]::CurrentDomain.GetData('psnt-xmlrpc-overlap')
                [Threading.Monitor]::Enter($g.SyncRoot); $g.Now++; if ($g.Now -gt $g.Max) { $g.Max = $g.Now }; [Threading.Monitor]::Exit($g.SyncRoot)
                Start-Sleep -Milliseconds (50 + ($x % 4) * 40)
                [Threading.Monitor]::Enter($g.SyncRoot); $g.Now--; [Threading.Monitor]::Exit($g.SyncRoot)
                $x + $y } }
            $u = "http://127.0.0.1:$($rpc.Port)/RPC2"
            $null = 1..8 | ForEach-Object { [pscustomobject]@{ Uri = $u; Method = 'slowadd'; Argument = 4, 0 } } | Invoke-XmlRpc -ThrottleLimit 8
            $gate.Max = 0
            $null = 1..12 | ForEach-Object { [pscustomobject]@{ Uri = $u; Method = 'slowadd'; Argument = $_, 100 } } | Invoke-XmlRpc
            $sequential = $gate.Max
            $gate.Max = 0
            $sums = 1..24 | ForEach-Object { [pscustomobject]@{ Uri = $u; Method = 'slowadd'; Argument = $_, 100 } } | Invoke-XmlRpc -ThrottleLimit 4
            $sums -join ','
            "$sequential|$($gate.Max)"
            $rpc | Stop-NetServer
            [AppDomain]::CurrentDomain.SetData('psnt-xmlrpc-overlap', $null)
            """);
        r.AssertNoErrors();
        Assert.Equal(string.Join(",", Enumerable.Range(101, 24)), r.Output[0].BaseObject);
        var held = r.Output[1].ToString().Split('|').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(1, held[0]);
        Assert.InRange(held[1], 2, 4);
    }

    [Fact]
    public void Python_client_against_our_server()
    {
        var start = Ps.Run("""
            $rpc = Start-XmlRpcServer -Port 0 -TimeoutSec 2 -Method @{
              add    = { param($x, $y) $x + $y }
              divide = { param($x, $y) if ($y -eq 0) { throw '除数不能为零' }; $x / $y }
              echo   = { param($v) $v }
              hang   = { while ($true) { } }
            }
            $rpc.Port
            """);
        start.AssertNoErrors();
        var port = (int)start.One().BaseObject;
        try
        {
            var script = $$$"""
                import xmlrpc.client, datetime
                p = xmlrpc.client.ServerProxy("http://127.0.0.1:{{{port}}}/RPC2", allow_none=True, use_builtin_types=True)
                print(p.add(3, 5))
                v = p.echo({"i": 1, "s": "张三", "b": True, "d": 1.5, "when": datetime.datetime(2024, 1, 2, 3, 4, 5), "bytes": b"\x00\xff", "arr": [1, None], "m": {"x": "y"}})
                print(v["i"], v["s"], v["b"], v["d"], v["when"].isoformat(), v["bytes"].hex(), v["arr"], v["m"]["x"])
                for call, args in (("divide", (1, 0)), ("add", (1,)), ("nope", ()), ("hang", ())):
                    try:
                        getattr(p, call)(*args)
                    except xmlrpc.client.Fault as f:
                        print("fault", f.faultCode, f.faultString)
                print(sorted(p.system.listMethods()))
                print(p.system.methodHelp("add"))
                m = xmlrpc.client.MultiCall(p); m.add(1, 2); m.divide(1, 0)
                r = m()
                print(r[0])
                try:
                    r[1]
                except xmlrpc.client.Fault as f:
                    print("multicall fault", f.faultString)
                import http.client
                c = http.client.HTTPConnection("127.0.0.1", {{{port}}})
                c.request("POST", "/RPC2", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><methodCall><methodName>echo</methodName><params><param><value>&e;</value></param></params></methodCall>', {"Content-Type": "text/xml"})
                print("xxe", c.getresponse().read().decode().count("root:"))
                c.request("POST", "/RPC2", "<methodCall><methodName>add</methodName><params>", {"Content-Type": "text/xml"})
                print("malformed", b"-32700" in c.getresponse().read())
                """;
            var psi = new ProcessStartInfo(PeerProcess.Require("python3")) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            psi.ArgumentList.Add("-");
            using var py = Process.Start(psi)!;
            py.StandardInput.Write(script.Replace("\n                ", "\n", StringComparison.Ordinal));
            py.StandardInput.Close();
            var output = py.StandardOutput.ReadToEnd();
            var errors = py.StandardError.ReadToEnd();
            py.WaitForExit(60_000);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(lines.Length >= 11, output + errors);
            Assert.Equal("8", lines[0]);
            Assert.Equal("1 张三 True 1.5 2024-01-02T03:04:05 00ff [1, None] y", lines[1]);
            Assert.Equal("fault 1 除数不能为零", lines[2]);
            Assert.StartsWith("fault -32602", lines[3], StringComparison.Ordinal);
            Assert.StartsWith("fault -32601", lines[4], StringComparison.Ordinal);
            Assert.StartsWith("fault -32603", lines[5], StringComparison.Ordinal);
            Assert.Contains("'system.multicall'", lines[6], StringComparison.Ordinal);
            Assert.Equal("add(x, y)", lines[7]);
            Assert.Equal("3", lines[8]);
            Assert.Equal("multicall fault 除数不能为零", lines[9]);
            Assert.Equal("xxe 0", lines[10]);
            Assert.Equal("malformed True", lines[11]);
        }
        finally
        {
            Ps.Run($"Get-NetServer | Where-Object Port -eq {port} | Stop-NetServer").AssertNoErrors();
        }
    }
}
