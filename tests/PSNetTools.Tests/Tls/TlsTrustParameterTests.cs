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

    // Every cmdlet that has a TLS trust parameter, as Get-Command finds them: static parameters and the dynamic ones of
    // Send-TcpMessage and Test-TcpEcho (Commands/Transport/TcpTlsParameters) alike. Pinned, so a cmdlet that loses them
    // (or a new TLS client) is noticed here.
    private static readonly string[] TrustCmdlets =
    [
        "Connect-GrpcStream", "Connect-WebSocket", "Get-GrpcService", "Get-ImapFolder", "Get-ImapMessage", "Get-Pop3Message", "Get-TlsCertificate",
        "Invoke-Crawl", "Invoke-GrpcMethod", "Invoke-Scrape", "Invoke-XmlRpc", "Send-Mail", "Send-TcpMessage",
        "Send-WebSocketMessage", "Test-GrpcHealth", "Test-HttpEndpoint", "Test-TcpEcho",
    ];

    [Fact]
    public void Every_cmdlet_with_TLS_trust_parameters_static_or_dynamic_has_them_from_one_declaration()
    {
        // Shape: type, aliases and attribute types as Get-Command shows them to users (binding, completion, help);
        // Where: the declaring class for a static parameter, "dynamic" for one bound through IDynamicParameters.
        var r = Ps.Run("""
            function Shape($p) {
                $a = [string[]]$p.Aliases; [Array]::Sort($a)
                $t = [string[]]@(foreach ($x in $p.Attributes) { $x.GetType().Name }); [Array]::Sort($t)
                "$($p.ParameterType.FullName) [$($a -join ',')] [$($t -join ',')]"
            }
            $names = 'SkipCertificateCheck', 'TrustedCertificate', 'ClientCertificate'
            $reference = @{}
            foreach ($n in $names) { $reference[$n] = Shape (Get-Command Test-HttpEndpoint).Parameters[$n] }
            foreach ($c in Get-Command -Module PSNetTools -CommandType Cmdlet) {
                $given = @($names.Where({ $c.Parameters.ContainsKey($_) }))
                if ($given.Count -eq 0) { continue }
                foreach ($n in $given) {
                    $p = $c.Parameters[$n]
                    $where = if ($p.IsDynamic) { 'dynamic' } else { $c.ImplementingType.GetProperty($n).DeclaringType.Name }
                    "$($c.Name) $n $where $((Shape $p) -ceq $reference[$n])"
                }
            }
            """);
        r.AssertNoErrors();
        var lines = r.Output.Select(o => o.ToString()).ToList();
        Assert.Equal(TrustCmdlets, lines.Select(l => l.Split(' ')[0]).Distinct().Order(StringComparer.Ordinal));
        foreach (var cmdlet in TrustCmdlets)
        {
            var rows = lines.Where(l => l.StartsWith(cmdlet + " ", StringComparison.Ordinal)).ToList();
            var tcp = cmdlet is "Send-TcpMessage" or "Test-TcpEcho";
            string[] expected = cmdlet == "Get-TlsCertificate"
                // It reports the verdict instead of failing on it: nothing to skip, no client certificate to present.
                ? [$"{cmdlet} TrustedCertificate TlsTrustCommand True"]
                : [
                    $"{cmdlet} SkipCertificateCheck {(tcp ? "dynamic" : "TlsClientCommand")} True",
                    $"{cmdlet} TrustedCertificate {(tcp ? "dynamic" : "TlsTrustCommand")} True",
                    $"{cmdlet} ClientCertificate {(tcp ? "dynamic" : "TlsClientCommand")} True",
                ];
            Assert.Equal(expected, rows);
        }
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
        "Send-TcpMessage" => $"$null = Send-TcpMessage 127.0.0.1 -Port {port} -Message \"GET / HTTP/1.0`r`n`r`n\" -UseTls -TimeoutSec 5 {trust}",
        "Test-TcpEcho" => $"$null = Test-TcpEcho 127.0.0.1 -Port {port} -UseTls -TimeoutSec 5 {trust}",
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
    [InlineData("Send-TcpMessage")]
    [InlineData("Test-TcpEcho")]
    public void A_private_CA_given_as_a_file_is_trusted_and_names_are_still_checked(string cmdlet)
    {
        var untrusted = Ps.Run(Call(cmdlet, _nginx.ChainPort, ""));
        Assert.Equal("CertificateUntrusted", FailureId(untrusted));

        var trusted = Ps.Run(Call(cmdlet, _nginx.ChainPort, $"-TrustedCertificate '{Ca}'"));
        Assert.False(FailureId(trusted) is "CertificateUntrusted" or "TlsFailed", FailureId(trusted));
        if (cmdlet is "Test-HttpEndpoint" or "Invoke-Scrape" or "Invoke-Crawl" or "Send-TcpMessage" or "Test-TcpEcho") Assert.Null(FailureId(trusted));

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
