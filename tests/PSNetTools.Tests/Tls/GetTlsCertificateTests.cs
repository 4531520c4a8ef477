using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Tls;

public sealed class GetTlsCertificateTests : IClassFixture<GetTlsCertificateTests.Peers>
{
    private readonly TlsNginx _nginx;

    public GetTlsCertificateTests(Peers peers) => _nginx = peers.Nginx;

    public sealed class Peers : IDisposable
    {
        public TlsNginx Nginx { get; } = new();

        public void Dispose() => Nginx.Dispose();
    }

    private static Dictionary<string, object?> Vars() => new() { ["CertDir"] = TestCertificates.Directory };

    [Fact]
    public void One_row_per_port_with_the_verdicts()
    {
        var n = _nginx;
        var r = Ps.Run($"Get-TlsCertificate 127.0.0.1 -Port {n.SelfSignedPort},{n.ExpiredPort},{n.WrongHostPort},{n.ChainPort} -ServerName localhost");
        r.AssertNoErrors();
        var byPort = r.Output.ToDictionary(o => (int)PsResult.Prop(o, "Port")!);
        Assert.Equal(4, byPort.Count);
        Assert.True((bool)PsResult.Prop(byPort[n.ExpiredPort], "IsExpired")!);
        Assert.True((int)PsResult.Prop(byPort[n.ExpiredPort], "DaysUntilExpiry")! < 0);
        Assert.False((bool)PsResult.Prop(byPort[n.WrongHostPort], "HostnameMatches")!);
        Assert.Contains("UntrustedRoot", (string)PsResult.Prop(byPort[n.SelfSignedPort], "ChainErrors")!, StringComparison.Ordinal);
        Assert.All(byPort.Values, o => Assert.False((bool)PsResult.Prop(o, "IsTrusted")!));
    }

    [Fact]
    public void Trusted_certificate_makes_the_test_ca_chain_trusted()
    {
        var r = Ps.Run($$"""
            $ca = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new("$CertDir/ca.crt")
            Get-TlsCertificate localhost -Port {{_nginx.ChainPort}} -TrustedCertificate $ca | ForEach-Object { $_.IsTrusted; $_.GetChain().Count; $_.GetCertificate().GetType().Name }
            """, variables: Vars());
        r.AssertNoErrors();
        Assert.Equal([true, 3, "X509Certificate2"], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Uri_and_pipeline_forms()
    {
        var r = Ps.Run($$"""
            Get-TlsCertificate -Uri 'https://localhost:{{_nginx.ChainPort}}/x', 'https://[::1]:{{_nginx.SelfSignedPort}}/'
            [pscustomobject]@{ ComputerName = 'localhost'; Port = {{_nginx.WrongHostPort}} } | Get-TlsCertificate
            [uri]"https://127.0.0.1:{{_nginx.SelfSignedPort}}/" | ForEach-Object { [pscustomobject]@{ Uri = $_ } } | Get-TlsCertificate
            """);
        r.AssertNoErrors();
        Assert.Equal(4, r.Output.Count);
        Assert.Contains(r.Output, o => (string)PsResult.Prop(o, "ServerName")! == "::1");
        Assert.Contains(r.Output, o => (int)PsResult.Prop(o, "Port")! == _nginx.WrongHostPort && !(bool)PsResult.Prop(o, "HostnameMatches")!);
    }

    // Issue 12 item 5: help Example 2 pipes [uri] objects, which have no Uri property and bound to -ComputerName as
    // text ("is not a valid CIDR block"). Typed URI strings as computer names work the same way.
    [Fact]
    public void Uri_objects_from_the_pipeline_as_help_example_2_pipes_them()
    {
        var r = Ps.Run($$"""
            "https://localhost:{{_nginx.ChainPort}}/a", "https://127.0.0.1:{{_nginx.SelfSignedPort}}/" | ForEach-Object { [uri]$_ } | Get-TlsCertificate |
                ForEach-Object { '{0}|{1}' -f $_.Port, $_.ServerName }
            Get-TlsCertificate "https://localhost:{{_nginx.WrongHostPort}}/" | ForEach-Object { '{0}|{1}' -f $_.Port, $_.ServerName }
            """);
        r.AssertNoErrors();
        Assert.Equal([$"{_nginx.ChainPort}|localhost", $"{_nginx.SelfSignedPort}|127.0.0.1", $"{_nginx.WrongHostPort}|localhost"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void A_plain_text_port_and_a_bad_name_are_errors_and_the_rest_goes_on()
    {
        var r = Ps.Run($$"""
            $plain = Start-TcpEchoServer
            Get-TlsCertificate 127.0.0.1, 'no-such-host.invalid' -Port {{_nginx.ChainPort}}, $plain.Port -TimeoutSec 2
            $plain | Stop-NetServer
            """, timeoutSec: 30);
        Assert.Single(r.Output);
        var ids = r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).Order().ToList();
        // A name that does not resolve is one error, whatever the number of ports (as in Find-OpenPort).
        Assert.Equal(["HostNotResolved", "TlsFailed"], ids);
        Assert.Contains("plain-text port", r.Errors.First(e => e.FullyQualifiedErrorId.StartsWith("Tls", StringComparison.Ordinal)).Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Our_tls_echo_server_serves_the_pfx_it_was_given()
    {
        var r = Ps.Run("""
            $s = Start-TcpEchoServer -CertificatePath "$CertDir/leaf.pfx" -CertificatePassword ([System.Net.NetworkCredential]::new('', 'test').SecurePassword)
            Get-TlsCertificate 127.0.0.1 -Port $s.Port | ForEach-Object Subject
            Send-TcpMessage 127.0.0.1 -Port $s.Port -Message 'over tls' -UseTls -ServerName localhost -SkipCertificateCheck | ForEach-Object Text
            $s | Stop-NetServer
            """, variables: Vars());
        r.AssertNoErrors();
        Assert.Equal(["CN=localhost", "over tls"], r.Output.Select(o => o.BaseObject));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("abc")]
    public void Bad_ports_are_parameter_errors(string port)
    {
        var r = Ps.Run($"Get-TlsCertificate 127.0.0.1 -Port {port}", timeoutSec: 20);
        Assert.StartsWith("ParameterArgumentTransformationError", Assert.Single(r.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_uri_is_refused_clearly()
    {
        var r = Ps.Run("Get-TlsCertificate -Uri '/just/a/path'", timeoutSec: 20);
        Assert.StartsWith("InvalidUri", Assert.Single(r.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }
}
