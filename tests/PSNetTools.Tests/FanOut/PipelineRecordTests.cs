using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.FanOut;

/// <summary>
/// Issue 11, "Wrong port from the pipeline": each record's own Port (or Uri) is used for that record. The echo cmdlets
/// read Port once in EndProcessing, so every record ran with the last record's port.
/// </summary>
public class PipelineRecordTests
{
    private static int[] Ports(PsResult r) => [.. r.Output.Select(o => (int)PsResult.Prop(o, "Port")!)];

    [Theory]
    [InlineData("Tcp")]
    [InlineData("Udp")]
    public void Echo_records_by_property_name_keep_their_own_port(string protocol)
    {
        var r = Ps.Run($$"""
            $a = Start-{{protocol}}EchoServer; $b = Start-{{protocol}}EchoServer
            [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $a.Port }, [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $b.Port } | Test-{{protocol}}Echo
            'ports=' + $a.Port + ',' + $b.Port
            $a, $b | Stop-NetServer
            """);
        r.AssertNoErrors();
        var expected = r.Output[^1].BaseObject.ToString()!["ports=".Length..].Split(',').Select(int.Parse).ToArray();
        r.Output.RemoveAt(r.Output.Count - 1);
        Assert.Equal(expected, Ports(r));
        Assert.All(r.Output, o => Assert.True((bool)PsResult.Prop(o, "AllMatched")!));
    }

    [Fact]
    public void Find_OpenPort_rows_into_Test_TcpEcho_test_each_rows_port()
    {
        var r = Ps.Run("""
            $a = Start-TcpEchoServer; $b = Start-TcpEchoServer
            $ports = @($a.Port, $b.Port | ForEach-Object { [int]$_ })
            Find-OpenPort 127.0.0.1 -Port ($ports -join ',') | Test-TcpEcho
            $a, $b | Stop-NetServer
            """);
        r.AssertNoErrors();
        var ports = Ports(r);
        Assert.Equal(2, ports.Length);
        Assert.NotEqual(ports[0], ports[1]);
        Assert.True(ports[0] < ports[1], "rows in port order");
    }

    [Theory]
    [InlineData("Tcp")]
    [InlineData("Udp")]
    public void Message_records_keep_their_own_port_and_message(string protocol)
    {
        var r = Ps.Run($$"""
            $a = Start-{{protocol}}EchoServer; $b = Start-{{protocol}}EchoServer
            [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $a.Port; Message = 'to-a' },
                [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $b.Port; Message = 'to-b' } |
                Send-{{protocol}}Message -QuietPeriodSec 0.05 | ForEach-Object { '{0}={1}' -f ($_.Port -eq $a.Port ? 'a' : 'b'), $_.Text }
            $a, $b | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.Equal(["a=to-a", "b=to-b"], r.Output.Select(o => o.BaseObject.ToString()));
    }

    // The Uri records hold text, not [uri]: those used to bind to -ComputerName by value ("is not a valid CIDR block").
    [Fact]
    public void Tls_records_keep_their_own_port_and_uri()
    {
        using var a = SlowPeers.Tls();
        using var b = SlowPeers.Tls();
        var r = Ps.Run($$"""
            [pscustomobject]@{ ComputerName = '127.0.0.11'; Port = {{a.Port}} }, [pscustomobject]@{ ComputerName = '127.0.0.12'; Port = {{b.Port}} } | Get-TlsCertificate
            [pscustomobject]@{ Uri = 'https://127.0.0.13:{{a.Port}}/' }, [pscustomobject]@{ Uri = 'https://127.0.0.14:{{b.Port}}/' } | Get-TlsCertificate
            """, timeoutSec: 60);
        r.AssertNoErrors();
        Assert.Equal([a.Port, b.Port, a.Port, b.Port], Ports(r));
        Assert.Equal(["127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"], r.Output.Select(o => (string)PsResult.Prop(o, "Address")!));
    }

    [Fact]
    public void Http_records_keep_their_own_uri()
    {
        using var peers = SlowPeers.Http();
        var r = Ps.Run($$"""
            [pscustomobject]@{ Uri = 'http://127.0.0.11:{{peers.Port}}/one' }, [pscustomobject]@{ Url = 'http://127.0.0.12:{{peers.Port}}/two' } | Test-HttpEndpoint
            """);
        r.AssertNoErrors();
        Assert.Equal([$"http://127.0.0.11:{peers.Port}/one", $"http://127.0.0.12:{peers.Port}/two"], r.Output.Select(o => (string)PsResult.Prop(o, "Uri")!));
    }
}
