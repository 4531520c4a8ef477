using System.Diagnostics;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.XmlRpc;

/// <summary>
/// Issue 13 items 9 and 10: what CPython's xmlrpc (the seed's client and server) sends and expects, against
/// Start-XmlRpcServer and Invoke-XmlRpc.
/// </summary>
public sealed class XmlRpcPythonParityTests
{
    private static string[] RunPython(string script)
    {
        var psi = new ProcessStartInfo(PeerProcess.Require("python3")) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add("-");
        using var py = Process.Start(psi)!;
        py.StandardInput.Write(script);
        py.StandardInput.Close();
        var output = py.StandardOutput.ReadToEnd();
        var errors = py.StandardError.ReadToEnd();
        Assert.True(py.WaitForExit(60_000), "python did not finish");
        Assert.True(py.ExitCode == 0, output + errors);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [Fact]
    public void The_seeds_client_on_slash_gets_each_value_as_the_handler_means_it()
    {
        var start = Ps.Run("""
            $rpc = Start-XmlRpcServer -Port 0 -Method @{
              echo  = { param($value) $value }
              nulls = { 1; $null; 2 }
              wrapped = { param($value) ,$value }
              listed = { param($n) 1..$n }
              types = { [ordered]@{ u = [uint32]4000000000; s = [sbyte]-3; us = [uint16]9; c = [char]'x' } }
              inf   = { [double]::PositiveInfinity }
              div   = { param($a, $b) $a / $b }
              when  = { param($d) '{0:o}|{1}' -f $d, $d.GetType().Name }
            }
            $rpc.Port
            $rpc.Path
            """);
        start.AssertNoErrors();
        var port = (int)start.Output[0].BaseObject;
        Assert.Equal("/RPC2, /", start.Output[1].ToString());
        try
        {
            var lines = RunPython($$"""
                import xmlrpc.client as x, http.client
                p = x.ServerProxy("http://127.0.0.1:{{port}}/", allow_none=True, use_builtin_types=True)
                print(repr(p.echo(b'ab')), repr(p.echo([])), repr(p.echo([7])), repr(p.echo(' ')), repr(p.echo(None)))
                print(repr(p.nulls()), repr(p.wrapped([5])), repr(p.listed(1)), repr(p.listed(3)))
                print(sorted(p.types().items()))
                print(p.system.methodSignature('echo'), 'system.methodSignature' in p.system.listMethods())
                for call, args in (('inf', ()), ('div', (1, 0))):
                    try:
                        getattr(p, call)(*args)
                    except x.Fault as f:
                        print('fault', f.faultCode, f.faultString)
                c = http.client.HTTPConnection('127.0.0.1', {{port}})
                for stamp in ('20260101T12:00:00.250', '20260101T12:00:00+02:00'):
                    c.request('POST', '/RPC2', '<methodCall><methodName>when</methodName><params><param><value><dateTime.iso8601>' + stamp + '</dateTime.iso8601></value></param></params></methodCall>', {'Content-Type': 'text/xml'})
                    print(x.loads(c.getresponse().read())[0][0])
                """);
            // b'ab' stays bytes, [] and [7] stay arrays (they were [97, 98], None and 7): the last expression is one value.
            Assert.Equal("b'ab' [] [7] ' ' None", lines[0]);
            // $null items stay (they vanished); ,$value is not wrapped twice; a range is an array, even of one.
            Assert.Equal("[1, None, 2] [5] [1] [1, 2, 3]", lines[1]);
            // [uint32] and [sbyte] were sent as strings.
            Assert.Equal("[('c', 'x'), ('s', -3), ('u', 4000000000), ('us', 9)]", lines[2]);
            Assert.Equal("signatures not supported True", lines[3]);
            Assert.Equal("fault -32603 The result of inf cannot be written as XML-RPC: Infinity has no XML-RPC form (a double is a finite number); send it as a string.", lines[4]);
            Assert.Equal("fault 1 Attempted to divide by zero.", lines[5]);
            // A fraction of a second was refused; an offset was converted to this machine's zone.
            Assert.Equal("2026-01-01T12:00:00.2500000|DateTime", lines[6]);
            Assert.Equal("2026-01-01T12:00:00.0000000+02:00|DateTimeOffset", lines[7]);
        }
        finally
        {
            Ps.Run($"Get-NetServer | Where-Object Port -eq {port} | Stop-NetServer").AssertNoErrors();
        }
    }

    [Fact]
    public void Invoke_XmlRpc_sends_every_integer_type_as_an_integer_and_refuses_what_has_no_XML_RPC_form()
    {
        var port = Loopback.FreeTcpPort();
        using var python = PeerProcess.Start("python3", $"{Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "rpc", "xmlrpc_peer.py")} {port}", port);
        var r = Ps.Run($$"""
            $u = 'http://127.0.0.1:{{port}}/'
            foreach ($v in [uint32]7, [sbyte]-3, [uint16]9, [uint64]5) { $e = Invoke-XmlRpc $u -Method echo -Argument (,$v); '{0}|{1}' -f $e, $e.GetType().Name }
            $o = [DateTimeOffset]::new(2026, 1, 1, 12, 0, 0, [TimeSpan]::FromHours(2))
            Invoke-XmlRpc $u -Method echo -Argument (,[double]::NaN) -ErrorVariable nan -ErrorAction SilentlyContinue
            Invoke-XmlRpc $u -Method echo -Argument (,[uint64]::MaxValue) -ErrorVariable huge -ErrorAction SilentlyContinue
            "$nan"
            "$huge"
            $rpc = Start-XmlRpcServer -Port 0 -Method @{ echo = { param($v) $v } }
            $back = Invoke-XmlRpc "http://127.0.0.1:$($rpc.Port)/RPC2" -Method echo -Argument (,$o)
            '{0:o}|{1}' -f $back, $back.GetType().Name
            $rpc | Stop-NetServer
            """);
        Assert.Equal(["7|Int32", "-3|Int32", "9|Int32", "5|Int32"], r.Output.Take(4).Select(o => o.ToString()));
        Assert.Contains("NaN has no XML-RPC form", r.Output[4].ToString(), StringComparison.Ordinal);
        Assert.Contains("beyond the largest XML-RPC integer", r.Output[5].ToString(), StringComparison.Ordinal);
        // Our own round trip keeps the offset (it was dropped on send and converted on receipt).
        Assert.Equal("2026-01-01T12:00:00.0000000+02:00|DateTimeOffset", r.Output[6].ToString());
    }
}
