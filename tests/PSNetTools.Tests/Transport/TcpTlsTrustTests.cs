using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Transport;

/// <summary>
/// Issue 11 point 4: Send-TcpMessage and Test-TcpEcho take the TLS trust parameters every TLS client has
/// (-SkipCertificateCheck, -TrustedCertificate, -ClientCertificate), from TlsClientCommand's one declaration, while
/// their UDP twins have none. Peers: socat and openssl s_server with the certificates of tests/peers/certs.sh (the leaf
/// is signed by the test root through an intermediate the servers send), and a client certificate signed by the same root.
/// </summary>
public sealed class TcpTlsTrustTests : IClassFixture<TcpTlsTrustTests.Peers>
{
    private readonly Peers _peers;

    public TcpTlsTrustTests(Peers peers) => _peers = peers;

    public sealed class Peers : IDisposable
    {
        private readonly PeerProcess _echo;
        private readonly PeerProcess _mutual;

        public Peers()
        {
            var dir = TestCertificates.Directory;
            ClientCertificate = Path.Combine(dir, "client.crt");
            ClientKey = Path.Combine(dir, "client.key");
            if (!File.Exists(ClientCertificate))
            {
                PeerProcess.Run("bash", $"-c \"cd '{dir}' && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out client.key"
                    + " && openssl req -new -key client.key -subj /CN=psnt-client -out client.csr"
                    + " && printf 'extendedKeyUsage=clientAuth\\n' > client.ext"
                    + " && openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext -out client.crt\"");
            }
            EchoPort = Loopback.FreeTcpPort();
            _echo = PeerProcess.Start("socat", $"OPENSSL-LISTEN:{EchoPort},bind=127.0.0.1,reuseaddr,fork,cert={dir}/leaf-chain.crt,key={dir}/leaf.key,verify=0 PIPE", EchoPort);
            // -Verify 1: the handshake fails without a client certificate that chains to ca.crt; -rev answers each line reversed.
            MutualPort = Loopback.FreeTcpPort();
            _mutual = PeerProcess.Start("openssl", $"s_server -accept 127.0.0.1:{MutualPort} -cert {dir}/leaf.crt -key {dir}/leaf.key -cert_chain {dir}/int.crt -CAfile {dir}/ca.crt -Verify 1 -quiet -rev", MutualPort);
        }

        public int EchoPort { get; }

        public int MutualPort { get; }

        public string ClientCertificate { get; }

        public string ClientKey { get; }

        public void Dispose()
        {
            _echo.Dispose();
            _mutual.Dispose();
        }
    }

    private static string Ca => TestCertificates.File("ca.crt");

    private static string? FailureId(PsResult r) => r.Errors.FirstOrDefault()?.FullyQualifiedErrorId.Split(',')[0];

    [Theory]
    [InlineData("Send-TcpMessage")]
    [InlineData("Test-TcpEcho")]
    public void The_TCP_cmdlets_have_the_TLS_parameters_of_every_TLS_client_and_the_UDP_ones_none(string cmdlet)
    {
        var r = Ps.Run($$"""
            function Shape($name) {
                $p = (Get-Command $name).Parameters
                foreach ($n in 'SkipCertificateCheck', 'TrustedCertificate', 'ClientCertificate') {
                    if ($p.ContainsKey($n)) { $a = [string[]]$p[$n].Aliases; [Array]::Sort($a); "$n $($p[$n].ParameterType.FullName) $($a -join ',')" } else { "$n missing" }
                }
            }
            (Shape {{cmdlet}}) -join '|' -ceq ((Shape Test-HttpEndpoint) -join '|')
            Shape {{cmdlet}}
            foreach ($udp in 'Send-UdpMessage', 'Test-UdpEcho') {
                $p = (Get-Command $udp).Parameters
                "$udp " + @('SkipCertificateCheck', 'TrustedCertificate', 'ClientCertificate', 'UseTls', 'ServerName').Where({ $p.ContainsKey($_) }).Count
            }
            """);
        r.AssertNoErrors();
        Assert.True((bool)r.Output[0].BaseObject);
        Assert.Equal([
            "SkipCertificateCheck System.Management.Automation.SwitchParameter ",
            "TrustedCertificate System.Security.Cryptography.X509Certificates.X509Certificate2[] CACert,CaCertificatePath,CertificateAuthority",
            "ClientCertificate System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate",
            "Send-UdpMessage 0", "Test-UdpEcho 0"], r.Output.Skip(1).Select(o => o.ToString()));
    }

    [Fact]
    public void The_TLS_parameters_are_TlsClientCommands_own_declarations_and_the_help_knows_them()
    {
        var r = Ps.Run("""
            $bag = [PSNetTools.Commands.Transport.TcpTlsParameters]
            foreach ($n in 'SkipCertificateCheck', 'TrustedCertificate', 'ClientCertificate', 'UseTls', 'ServerName') { "$n=$($bag.GetProperty($n).DeclaringType.Name)" }
            foreach ($c in 'Send-TcpMessage', 'Test-TcpEcho') {
                [string[]]$dynamic = (Get-Command $c).Parameters.Values.Where({ $_.IsDynamic }).Name; [Array]::Sort($dynamic)
                [string[]]$declared = $bag.GetProperties().Where({ $_.GetCustomAttributes([System.Management.Automation.ParameterAttribute], $true) }).Name; [Array]::Sort($declared)
                "$c " + (($dynamic -join ',') -eq ($declared -join ','))
                "$c help " + [bool](Get-Help $c -Parameter TrustedCertificate).description
            }
            """);
        r.AssertNoErrors();
        Assert.Equal([
            "SkipCertificateCheck=TlsClientCommand", "TrustedCertificate=TlsTrustCommand", "ClientCertificate=TlsClientCommand",
            "UseTls=TcpTlsParameters", "ServerName=TcpTlsParameters",
            "Send-TcpMessage True", "Send-TcpMessage help True", "Test-TcpEcho True", "Test-TcpEcho help True"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Test_TcpEcho_trusts_a_private_CA_given_as_a_file_and_not_without_it()
    {
        var r = Ps.Run($"""
            Test-TcpEcho 127.0.0.1 -Port {_peers.EchoPort} -TrustedCertificate '{Ca}' -Count 2
            """);
        r.AssertNoErrors();
        var row = Assert.Single(r.Output);
        Assert.True((bool)PsResult.Prop(row, "AllMatched")!);
        Assert.StartsWith("Tls1", (string)PsResult.Prop(row, "TlsProtocol")!, StringComparison.Ordinal);

        var untrusted = Ps.Run($"Test-TcpEcho 127.0.0.1 -Port {_peers.EchoPort} -UseTls");
        Assert.Empty(untrusted.Output);
        Assert.Equal("CertificateUntrusted", FailureId(untrusted));

        // The CA vouches for names: the certificate is for localhost and 127.0.0.1, not for this name.
        var wrongName = Ps.Run($"Test-TcpEcho 127.0.0.1 -Port {_peers.EchoPort} -ServerName wrong.example -CertificateAuthority '{Ca}'");
        Assert.Equal("CertificateUntrusted", FailureId(wrongName));
    }

    [Fact]
    public void Send_TcpMessage_trusts_a_private_CA_and_is_untrusted_without_it()
    {
        var trusted = Ps.Run($"(Send-TcpMessage 127.0.0.1 -Port {_peers.EchoPort} -Message 'ping' -CACert '{Ca}').Text");
        trusted.AssertNoErrors();
        Assert.Equal("ping", Assert.Single(trusted.Output).ToString());

        var untrusted = Ps.Run($"Send-TcpMessage 127.0.0.1 -Port {_peers.EchoPort} -Message 'ping' -UseTls");
        Assert.Empty(untrusted.Output);
        Assert.Equal("CertificateUntrusted", FailureId(untrusted));
    }

    [Fact]
    public void A_client_certificate_gets_through_a_server_that_requires_one()
    {
        var r = Ps.Run($$"""
            $client = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile('{{_peers.ClientCertificate}}', '{{_peers.ClientKey}}')
            $reply = Send-TcpMessage 127.0.0.1 -Port {{_peers.MutualPort}} -Message "hello`n" -TrustedCertificate '{{Ca}}' -ClientCertificate $client
            $reply.Text.Trim()
            $reply.Protocol
            """);
        r.AssertNoErrors();
        Assert.Equal(["olleh", "Tls"], r.Output.Select(o => o.ToString()));

        var without = Ps.Run($"Send-TcpMessage 127.0.0.1 -Port {_peers.MutualPort} -Message \"hello`n\" -TrustedCertificate '{Ca}'");
        Assert.Empty(without.Output);
        var e = Assert.Single(without.Errors);
        Assert.StartsWith("TlsFailed", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("requires a client certificate", e.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_certificate_without_its_key_stops_Test_TcpEcho_before_connecting()
    {
        var r = Ps.Run($"Test-TcpEcho 127.0.0.1 -Port {_peers.MutualPort} -ClientCertificate ([System.Security.Cryptography.X509Certificates.X509Certificate2]::new('{Ca}'))");
        Assert.Equal("ClientCertificateWithoutKey", (r.Terminating?.ErrorRecord ?? r.Errors.FirstOrDefault())?.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void A_trust_parameter_against_a_plain_port_says_that_it_turned_TLS_on()
    {
        var r = Ps.Run($"""
            $plain = Start-TcpEchoServer -Port 0
            Test-TcpEcho 127.0.0.1 -Port $plain.Port -TrustedCertificate '{Ca}' -TimeoutSec 2
            Send-TcpMessage 127.0.0.1 -Port $plain.Port -Message x -ServerName localhost -SkipCertificateCheck -TimeoutSec 2
            $plain | Stop-NetServer
            """);
        Assert.Empty(r.Output);
        Assert.Equal(2, r.Errors.Count);
        Assert.All(r.Errors, e => Assert.StartsWith("TlsFailed", e.FullyQualifiedErrorId, StringComparison.Ordinal));
        Assert.Equal("If the server does not speak TLS, note that -TrustedCertificate turns TLS on; drop it for a plain-text port.", r.Errors[0].ErrorDetails.RecommendedAction);
        Assert.Equal("If the server does not speak TLS, note that -ServerName and -SkipCertificateCheck turn TLS on; drop them for a plain-text port.", r.Errors[1].ErrorDetails.RecommendedAction);
    }
}
