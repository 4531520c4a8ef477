using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Tls;

/// <summary>
/// The TLS trust parameters every TLS client cmdlet shares (-SkipCertificateCheck, -TrustedCertificate, -ClientCertificate),
/// against nginx with the certificates of tests/peers/certs.sh: the chain port's leaf is signed by the test root CA
/// (through an intermediate the server sends), the wrong-host port's certificate by the same root for another name.
/// </summary>
public sealed class TlsTrustParameterTests : IClassFixture<TlsTrustParameterTests.Peers>
{
    private readonly TlsNginx _nginx;

    public TlsTrustParameterTests(Peers peers) => _nginx = peers.Nginx;

    public sealed class Peers : IDisposable
    {
        public TlsNginx Nginx { get; } = new();

        public void Dispose() => Nginx.Dispose();
    }

    private static string Ca => TestCertificates.File("ca.crt");

    public static TheoryData<string> Clients => new()
    {
        "Test-HttpEndpoint", "Invoke-Scrape", "Invoke-Crawl", "Invoke-XmlRpc", "Connect-WebSocket", "Send-WebSocketMessage",
        "Send-Mail", "Get-ImapFolder", "Get-ImapMessage", "Get-Pop3Message", "Invoke-GrpcMethod", "Get-GrpcService", "Test-GrpcHealth",
    };

    [Theory]
    [MemberData(nameof(Clients))]
    public void Every_TLS_client_has_the_three_trust_parameters_from_one_declaration(string cmdlet)
    {
        var r = Ps.Run($$"""
            $c = Get-Command {{cmdlet}}
            foreach ($name in 'SkipCertificateCheck', 'TrustedCertificate', 'ClientCertificate') {
                $p = $c.ImplementingType.GetProperty($name)
                "$name=$($p.DeclaringType.Name)"
            }
            $aliases = [string[]]$c.Parameters['TrustedCertificate'].Aliases; [Array]::Sort($aliases); $aliases -join ','
            """);
        r.AssertNoErrors();
        Assert.Equal(["SkipCertificateCheck=TlsClientCommand", "TrustedCertificate=TlsTrustCommand", "ClientCertificate=TlsClientCommand", "CACert,CaCertificatePath,CertificateAuthority"],
            r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Get_TlsCertificate_shares_TrustedCertificate_and_takes_a_path_now()
    {
        var r = Ps.Run($$"""
            (Get-Command Get-TlsCertificate).ImplementingType.GetProperty('TrustedCertificate').DeclaringType.Name
            (Get-TlsCertificate 127.0.0.1 -Port {{_nginx.ChainPort}} -ServerName localhost).IsTrusted
            (Get-TlsCertificate 127.0.0.1 -Port {{_nginx.ChainPort}} -ServerName localhost -TrustedCertificate '{{Ca}}').IsTrusted
            """);
        r.AssertNoErrors();
        Assert.Equal(["TlsTrustCommand", "False", "True"], r.Output.Select(o => o.ToString()));
    }

    // What each cmdlet runs against a TLS port ({0}: the trust parameters); past the handshake nginx answers "chain" to
    // anything, which is not XML-RPC or a WebSocket upgrade: those then fail, but not on the certificate.
    private static string Call(string cmdlet, int port, string trust) => cmdlet switch
    {
        "Test-HttpEndpoint" => $"(Test-HttpEndpoint https://127.0.0.1:{port}/ -TimeoutSec 5 {trust}).Error",
        "Invoke-Scrape" => $"$null = Invoke-Scrape https://127.0.0.1:{port}/ -TimeoutSec 5 {trust}",
        "Invoke-Crawl" => $"(Invoke-Crawl https://127.0.0.1:{port}/ -Depth 0 -TimeoutSec 5 {trust}).Error",
        "Invoke-XmlRpc" => $"Invoke-XmlRpc https://127.0.0.1:{port}/ -Method system.listMethods -TimeoutSec 5 {trust}",
        "Connect-WebSocket" => $"Connect-WebSocket wss://127.0.0.1:{port}/ -TimeoutSec 5 {trust}",
        _ => $"'hi' | Send-WebSocketMessage -Uri wss://127.0.0.1:{port}/ -TimeoutSec 5 {trust}",
    };

    // The error id, or for the cmdlets that report a failure in their output (Test-HttpEndpoint, Invoke-Crawl) the
    // id that starts its Error text.
    private static string? FailureId(PsResult r) =>
        (r.Terminating?.ErrorRecord ?? r.Errors.FirstOrDefault())?.FullyQualifiedErrorId.Split(',')[0]
        ?? r.Output.Select(o => o?.ToString() ?? "").FirstOrDefault(e => e.Length > 0)?.Split(':')[0];

    [Theory]
    [InlineData("Test-HttpEndpoint")]
    [InlineData("Invoke-Scrape")]
    [InlineData("Invoke-Crawl")]
    [InlineData("Invoke-XmlRpc")]
    [InlineData("Connect-WebSocket")]
    [InlineData("Send-WebSocketMessage")]
    public void A_private_CA_given_as_a_file_is_trusted_and_names_are_still_checked(string cmdlet)
    {
        var untrusted = Ps.Run(Call(cmdlet, _nginx.ChainPort, ""));
        Assert.Equal("CertificateUntrusted", FailureId(untrusted));

        var trusted = Ps.Run(Call(cmdlet, _nginx.ChainPort, $"-TrustedCertificate '{Ca}'"));
        Assert.False(FailureId(trusted) is "CertificateUntrusted" or "TlsFailed", FailureId(trusted));
        if (cmdlet is "Test-HttpEndpoint" or "Invoke-Scrape" or "Invoke-Crawl") Assert.Null(FailureId(trusted));

        // Signed by the same root, for wrong.example: a private CA vouches for names, not for whoever holds its certificate.
        var wrongName = Ps.Run(Call(cmdlet, _nginx.WrongHostPort, $"-CertificateAuthority '{Ca}'"));
        Assert.Equal("CertificateUntrusted", FailureId(wrongName));
    }

    [Fact]
    public void The_advice_for_an_untrusted_certificate_names_TrustedCertificate_first()
    {
        var untrusted = Ps.Run(Call("Invoke-XmlRpc", _nginx.ChainPort, ""));
        var advice = Assert.Single(untrusted.Errors).ErrorDetails.RecommendedAction;
        Assert.StartsWith("For a server whose certificate a private or test CA issued", advice, StringComparison.Ordinal);
        Assert.Contains("-TrustedCertificate", advice, StringComparison.Ordinal);
        Assert.Contains("-SkipCertificateCheck", advice, StringComparison.Ordinal);
        var wrongName = Ps.Run(Call("Invoke-XmlRpc", _nginx.WrongHostPort, $"-TrustedCertificate '{Ca}'"));
        Assert.Equal("The certificate does not chain to a -TrustedCertificate given, or it is for another name than the one connected to.",
            Assert.Single(wrongName.Errors).ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void A_client_certificate_without_its_key_stops_before_connecting()
    {
        var r = Ps.Run($"Test-HttpEndpoint https://127.0.0.1:{_nginx.ChainPort}/ -ClientCertificate ([System.Security.Cryptography.X509Certificates.X509Certificate2]::new('{Ca}'))");
        Assert.Equal("ClientCertificateWithoutKey", FailureId(r));
        Assert.Empty(r.Output);
    }

    [Fact]
    public void Send_WebSocketMessage_refuses_trust_parameters_with_a_session()
    {
        var r = Ps.Run("""
            $ws = Start-WebSocketEchoServer -Port 0
            $s = Connect-WebSocket "ws://127.0.0.1:$($ws.Port)/"
            try { 'hi' | Send-WebSocketMessage -Session $s -SkipCertificateCheck -ErrorAction Stop } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }
            (Send-WebSocketMessage -Session $s -Message 'still open').Received
            $s | Disconnect-WebSocket
            $ws | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.StartsWith("TlsParameterWithSession", r.Output[0].ToString(), StringComparison.Ordinal);
        Assert.Equal("-SkipCertificateCheck applies when connecting with -Uri; a -Session is already connected.", r.Output[1].ToString());
        Assert.Equal("still open", r.Output[2].ToString());
    }
}
