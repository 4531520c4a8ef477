using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Transport;

/// <summary>Issue 12 item 9: Test-TcpEcho against the module's own TLS echo server, and no 0.00 times for lost probes.</summary>
public class EchoTlsAndLossTests
{
    [Fact]
    public void Test_TcpEcho_UseTls_tests_the_modules_own_TLS_echo_server()
    {
        var r = Ps.Run($$"""
            $pw = [Net.NetworkCredential]::new('', 'test').SecurePassword
            $srv = Start-TcpEchoServer -Port 0 -CertificatePath '{{TestCertificates.File("leaf.pfx")}}' -CertificatePassword $pw
            Test-TcpEcho 127.0.0.1 -Port $srv.Port -UseTls -SkipCertificateCheck -Count 3
            Test-TcpEcho 127.0.0.1 -Port $srv.Port -SkipCertificateCheck -Quiet
            $srv | Stop-NetServer
            """);
        r.AssertNoErrors();
        var row = r.Output[0];
        Assert.Equal(3, (int)PsResult.Prop(row, "Received")!);
        Assert.True((bool)PsResult.Prop(row, "AllMatched")!);
        Assert.StartsWith("Tls1", (string)PsResult.Prop(row, "TlsProtocol")!, StringComparison.Ordinal);
        Assert.True((bool)r.Output[1].BaseObject);
    }

    [Fact]
    public void UseTls_against_a_plain_echo_port_is_a_TLS_error_not_a_hang()
    {
        var r = Ps.Run("""
            $srv = Start-TcpEchoServer -Port 0
            Test-TcpEcho 127.0.0.1 -Port $srv.Port -UseTls -SkipCertificateCheck -TimeoutSec 2
            $srv | Stop-NetServer
            """);
        Assert.Empty(r.Output);
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("TlsFailed", e.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void Round_trip_times_are_null_when_every_probe_is_lost()
    {
        var port = Loopback.FreeTcpPort();
        using var peer = PeerProcess.Start("socat", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork SYSTEM:\"sleep 30\"", port);
        var r = Ps.Run($"""
            $row = Test-TcpEcho 127.0.0.1 -Port {port} -Count 2 -TimeoutSec 0.5
            $row.Lost
            $null -eq $row.MinMs
            $null -eq $row.AvgMs
            $null -eq $row.MaxMs
            """);
        r.AssertNoErrors();
        Assert.Equal([2, true, true, true], r.Output.Select(o => o.BaseObject));
    }
}
