using PSNetTools.Tests.FanOut;
using PSNetTools.Tests.Harness;
using PSNetTools.Testing;

namespace PSNetTools.Tests.Errors;

/// <summary>
/// Issue 11: a bad target in the middle of the pipeline input gives its error between the results of its
/// neighbours, in input order, in every fan-out cmdlet. The first target answers slowest (SlowPeers), so a cmdlet
/// that wrote input errors at once (as records arrive) would write the error ahead of the first result.
/// </summary>
public sealed class InputErrorsInPlaceTests
{
    private const int Runs = 5;
    private static readonly string First = SlowPeers.Addresses[0];
    private static readonly string Second = SlowPeers.Addresses[1];

    // Each run prints one line: what came out, in order: results by key, errors as E:<TargetObject>.
    private static PsResult Run(string input, string pipeline, string key = "$_.Address", string errorKey = "$_.TargetObject") => Ps.Run($$"""
        1..{{Runs}} | ForEach-Object {
            @({{input}} | {{pipeline}} 2>&1 | ForEach-Object {
                if ($_ -is [Management.Automation.ErrorRecord]) { 'E:' + {{errorKey}} } else { {{key}} }
            }) -join ','
        }
        """, timeoutSec: 120);

    private static void AssertInPlace(PsResult r, string expected)
    {
        Assert.Null(r.Terminating);
        Assert.Equal(Runs, r.Output.Count);
        Assert.All(r.Output, line => Assert.Equal(expected, line.BaseObject.ToString()));
    }

    private static string Hosts => $"'{First}', 'http://x', '{Second}'";

    private static string HostsExpected => $"{First},E:http://x,{Second}";

    [Fact]
    public void Find_OpenPort()
    {
        using var peers = SlowPeers.TcpEcho();
        AssertInPlace(Run(Hosts, $"Find-OpenPort -Port {peers.Port} -TimeoutSec 2"), HostsExpected);
    }

    [Fact]
    public void Test_TcpEcho()
    {
        using var peers = SlowPeers.TcpEcho();
        AssertInPlace(Run(Hosts, $"Test-TcpEcho -Port {peers.Port} -TimeoutSec 5"), HostsExpected);
    }

    [Fact]
    public void Test_UdpEcho()
    {
        using var peers = SlowPeers.UdpEcho();
        AssertInPlace(Run(Hosts, $"Test-UdpEcho -Port {peers.Port} -TimeoutSec 5"), HostsExpected);
    }

    [Fact]
    public void Get_TlsCertificate()
    {
        using var peers = SlowPeers.Tls();
        // Not 'http://x': Get-TlsCertificate takes a URI typed as a name as the URI it is (help Example 2).
        AssertInPlace(Run($"'{First}', '127.0.0.1/33', '{Second}'", $"Get-TlsCertificate -Port {peers.Port} -TimeoutSec 5"), $"{First},E:127.0.0.1/33,{Second}");
    }

    [Fact]
    public void Test_Ping()
    {
        AssertInPlace(Run(Hosts, "Test-Ping -Count 1 -TimeoutSec 1"), HostsExpected);
    }

    [Fact]
    public void Test_HttpEndpoint()
    {
        using var peers = SlowPeers.Http();
        var (a, b) = ($"http://{First}:{peers.Port}/", $"http://{Second}:{peers.Port}/");
        AssertInPlace(Run($"'{a}', 'ftp://x/', '{b}'", "Test-HttpEndpoint -TimeoutSec 5", "$_.Uri"), $"{a},E:ftp://x/,{b}");
    }

    [Fact]
    public void Invoke_XmlRpc()
    {
        // The slow HTTP peers answer 200 with a body that is not XML-RPC: every call fails, and the failures must still
        // come in input order around the bad URI.
        using var peers = SlowPeers.Http();
        var (a, b) = ($"http://{First}:{peers.Port}/", $"http://{Second}:{peers.Port}/");
        var input = $"@([pscustomobject]@{{ Uri = '{a}'; Method = 'm' }}, [pscustomobject]@{{ Uri = 'ftp://x/'; Method = 'm' }}, [pscustomobject]@{{ Uri = '{b}'; Method = 'm' }})";
        AssertInPlace(Run(input, "Invoke-XmlRpc -TimeoutSec 5 -ThrottleLimit 4"), $"E:{a},E:ftp://x/,E:{b}");
    }

    [Fact]
    public void Invoke_GrpcMethod()
    {
        // Bodies are this cmdlet's pipeline input: slow calls around a body that is no body (a string that is not
        // JSON, refused on the pipeline thread) and one that does not fit the request type (refused by the encoder).
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        var input = "@(@{ delay_ms = 300 }, 'not json', @{ delay_ms = 200 }, @{ no_such_field = 1 }, @{ delay_ms = 0 })";
        foreach (var throttle in new[] { 1, 4 })
        {
            AssertInPlace(Run(input, $"Invoke-GrpcMethod {address} test.v1.KitchenSink/Slow -Plaintext -ThrottleLimit {throttle}", "'ok'", "'error'"), "ok,E:error,ok,E:error,ok");
        }
    }
}
