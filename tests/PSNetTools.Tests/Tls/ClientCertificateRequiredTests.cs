using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Tls;

/// <summary>
/// A TLS server that requires a client certificate (mutual TLS) and gets none is its own condition,
/// ClientCertificateRequired, with advice to give -ClientCertificate; not TlsFailed and its "if the server does not speak
/// TLS" advice, which sends the user the wrong way. Peers: openssl s_server -Verify 1 with the certificates of
/// tests/peers/certs.sh, as a raw line server (-rev) and as an HTTP server (-www), in TLS 1.3 (where the client learns of
/// the refusal only after its side of the handshake, on the first read) and in TLS 1.2 (during the handshake); and
/// tests/peers/hostile/tls_alert_then_reset.py, which resets the connection right after its alert, as a loaded server's
/// close overtakes the client's first write.
/// </summary>
public sealed class ClientCertificateRequiredTests : IClassFixture<ClientCertificateRequiredTests.Peers>
{
    private readonly Peers _peers;

    public ClientCertificateRequiredTests(Peers peers) => _peers = peers;

    public sealed class Peers : IDisposable
    {
        private readonly List<PeerProcess> _servers = [];

        public Peers()
        {
            var dir = TestCertificates.Directory;
            var common = $"-cert {dir}/leaf.crt -key {dir}/leaf.key -cert_chain {dir}/int.crt -CAfile {dir}/ca.crt -Verify 1";
            RawPort = Start($"{common} -quiet -rev");
            WwwPort = Start($"{common} -www");
            Www12Port = Start($"{common} -www -tls1_2");
            ResetPort = Loopback.FreeTcpPort();
            _servers.Add(PeerProcess.Start("python3", $"{Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "hostile", "tls_alert_then_reset.py")} {ResetPort} {dir}/leaf-chain.crt {dir}/leaf.key {dir}/ca.crt", ResetPort));
        }

        public int RawPort { get; }

        public int WwwPort { get; }

        public int Www12Port { get; }

        public int ResetPort { get; }

        private int Start(string arguments)
        {
            var port = Loopback.FreeTcpPort();
            _servers.Add(PeerProcess.Start("openssl", $"s_server -accept 127.0.0.1:{port} {arguments}", port));
            return port;
        }

        public void Dispose()
        {
            foreach (var server in _servers) server.Dispose();
        }
    }

    private static string Ca => TestCertificates.File("ca.crt");

    // The error record, or for Test-HttpEndpoint (which reports failures in its Error property) its Error text.
    private static (string? Id, string? Text, string? Advice) Failure(PsResult r)
    {
        if ((r.Terminating?.ErrorRecord ?? r.Errors.FirstOrDefault()) is { } e)
        {
            return (e.FullyQualifiedErrorId.Split(',')[0], e.Exception.Message, e.ErrorDetails?.RecommendedAction);
        }
        var text = r.Output.Select(o => o?.ToString() ?? "").FirstOrDefault(t => t.Length > 0);
        return (text?.Split(':')[0], text, null);
    }

    private static string Call(string cmdlet, int port) => cmdlet switch
    {
        "Send-TcpMessage" => $"Send-TcpMessage 127.0.0.1 -Port {port} -Message \"hello`n\" -TrustedCertificate '{Ca}' -TimeoutSec 5",
        "Test-TcpEcho" => $"Test-TcpEcho 127.0.0.1 -Port {port} -TrustedCertificate '{Ca}' -TimeoutSec 5",
        "Test-HttpEndpoint" => $"(Test-HttpEndpoint https://127.0.0.1:{port}/ -TrustedCertificate '{Ca}' -TimeoutSec 5).Error",
        "Invoke-Scrape" => $"$null = Invoke-Scrape https://127.0.0.1:{port}/ -TrustedCertificate '{Ca}' -TimeoutSec 5",
        "Invoke-XmlRpc" => $"Invoke-XmlRpc https://127.0.0.1:{port}/ -Method system.listMethods -TrustedCertificate '{Ca}' -TimeoutSec 5",
        "Get-ImapFolder" => $"Get-ImapFolder 127.0.0.1 -Port {port} -Security SslOnConnect -Credential ([pscredential]::new('u', [Net.NetworkCredential]::new('', 'p').SecurePassword)) -TrustedCertificate '{Ca}' -TimeoutSec 5",
        "Send-Mail" => $"Send-Mail -SmtpServer 127.0.0.1 -Port {port} -Security SslOnConnect -From a@example.test -To b@example.test -Subject s -Body b -Confirm:$false -TrustedCertificate '{Ca}' -TimeoutSec 5",
        _ => $"Connect-WebSocket wss://127.0.0.1:{port}/ -TrustedCertificate '{Ca}' -TimeoutSec 5",
    };

    [Theory]
    [InlineData("Send-TcpMessage", "raw")]
    [InlineData("Test-TcpEcho", "raw")]
    [InlineData("Test-HttpEndpoint", "www")]
    [InlineData("Invoke-Scrape", "www")]
    [InlineData("Invoke-XmlRpc", "www")]
    [InlineData("Connect-WebSocket", "www")]
    [InlineData("Get-ImapFolder", "raw")]
    [InlineData("Send-Mail", "raw")]
    // The alert, then a reset: the first write failed (broken pipe) before the alert was read. Send-TcpMessage said
    // TlsFailed, Test-HttpEndpoint NetworkError, the others ConnectionReset (Invoke-Scrape and Invoke-XmlRpc at random).
    [InlineData("Send-TcpMessage", "reset")]
    [InlineData("Test-TcpEcho", "reset")]
    [InlineData("Test-HttpEndpoint", "reset")]
    [InlineData("Invoke-Scrape", "reset")]
    [InlineData("Invoke-XmlRpc", "reset")]
    [InlineData("Connect-WebSocket", "reset")]
    [InlineData("Get-ImapFolder", "reset")]
    [InlineData("Send-Mail", "reset")]
    public void A_server_that_requires_a_client_certificate_and_gets_none_says_so(string cmdlet, string peer)
    {
        var port = peer switch { "raw" => _peers.RawPort, "www" => _peers.WwwPort, "reset" => _peers.ResetPort, _ => _peers.Www12Port };
        var (id, text, advice) = Failure(Ps.Run(Call(cmdlet, port)));
        Assert.Equal("ClientCertificateRequired", id);
        Assert.Contains("requires a client certificate", text, StringComparison.Ordinal);
        if (cmdlet != "Test-HttpEndpoint")
        {
            Assert.Equal("The server accepts only clients with a certificate (mutual TLS): give one with -ClientCertificate, with its private key.", advice);
        }
    }

    // TLS 1.2 has no certificate_required alert: the server sends handshake_failure, as for any refusal. That stays
    // TlsFailed, but it no longer says "not TLS" nor advises turning TLS off.
    [Theory]
    [InlineData("Test-HttpEndpoint")]
    [InlineData("Connect-WebSocket")]
    [InlineData("Send-TcpMessage")]
    public void In_TLS_1_2_the_refusal_is_TlsFailed_and_names_the_client_certificate(string cmdlet)
    {
        var (id, text, advice) = Failure(Ps.Run(Call(cmdlet, _peers.Www12Port)));
        Assert.Equal("TlsFailed", id);
        Assert.Contains("the server refused the TLS handshake (it may require a client certificate", text, StringComparison.Ordinal);
        Assert.DoesNotContain("not TLS", text, StringComparison.Ordinal);
        if (cmdlet != "Test-HttpEndpoint")
        {
            Assert.Equal("The server speaks TLS but refused this client: if it requires a client certificate, give one with -ClientCertificate.", advice);
        }
    }

    [Fact]
    public void The_category_is_SecurityError_as_for_every_TLS_condition()
    {
        var r = Ps.Run($"{Call("Send-TcpMessage", _peers.RawPort)}; $Error[0].CategoryInfo.Category");
        Assert.Equal("SecurityError", r.Output.Last().ToString());
    }

    [Fact]
    public void With_the_client_certificate_the_same_server_answers()
    {
        var dir = TestCertificates.Directory;
        var client = Path.Combine(dir, "client.crt");
        if (!File.Exists(client))
        {
            PeerProcess.Run("bash", $"-c \"cd '{dir}' && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out client.key"
                + " && openssl req -new -key client.key -subj /CN=psnt-client -out client.csr"
                + " && printf 'extendedKeyUsage=clientAuth\\n' > client.ext"
                + " && openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext -out client.crt\"");
        }
        var r = Ps.Run($$"""
            $client = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile('{{client}}', '{{Path.Combine(dir, "client.key")}}')
            (Test-HttpEndpoint https://127.0.0.1:{{_peers.WwwPort}}/ -TrustedCertificate '{{Ca}}' -ClientCertificate $client -TimeoutSec 5).StatusCode
            """);
        r.AssertNoErrors();
        Assert.Equal("200", Assert.Single(r.Output).ToString());
    }
}
