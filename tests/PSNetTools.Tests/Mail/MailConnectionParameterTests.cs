using PSNetTools.Testing;
using PSNetTools.Testing.Mail;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Mail;

/// <summary>
/// The connection parameters the four mail cmdlets share: one default-port rule, and the TLS trust parameters against
/// the test peers' self-signed certificate.
/// </summary>
public class MailConnectionParameterTests
{
    private const string Cred = "$cred = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'secret').SecurePassword)\n";

    private static MailPeers Peers => MailPeers.Shared;

    private static string Call(string cmdlet) => cmdlet switch
    {
        "Send-Mail" => "Send-Mail -Server 127.0.0.1 -From me@example.com -To you@example.com -Subject s -Body b",
        _ => $"{cmdlet} -Server 127.0.0.1 -Credential $cred",
    };

    // Nothing listens on the well-known ports inside the test namespace, so each call is refused at once; the verbose
    // line before the connect and the error's target show which port the cmdlet chose.
    [Theory]
    [InlineData("Send-Mail", "None", 25)]
    [InlineData("Send-Mail", "StartTls", 587)]
    [InlineData("Send-Mail", "Auto", 587)]
    [InlineData("Send-Mail", "SslOnConnect", 465)]
    [InlineData("Get-ImapFolder", "None", 143)]
    [InlineData("Get-ImapFolder", "StartTls", 143)]
    [InlineData("Get-ImapFolder", "Auto", 993)]
    [InlineData("Get-ImapFolder", "SslOnConnect", 993)]
    [InlineData("Get-ImapMessage", "None", 143)]
    [InlineData("Get-ImapMessage", "StartTls", 143)]
    [InlineData("Get-ImapMessage", "Auto", 993)]
    [InlineData("Get-ImapMessage", "SslOnConnect", 993)]
    [InlineData("Get-Pop3Message", "None", 110)]
    [InlineData("Get-Pop3Message", "StartTls", 110)]
    [InlineData("Get-Pop3Message", "Auto", 995)]
    [InlineData("Get-Pop3Message", "SslOnConnect", 995)]
    public void Without_a_port_the_security_picks_the_well_known_one(string cmdlet, string security, int port)
    {
        var r = Ps.Run(Cred + $"{Call(cmdlet)} -Security {security} -AllowUnencryptedAuthentication -TimeoutSec 3 -Verbose");
        Assert.Contains(r.Verbose, v => v.Message.StartsWith($"Connecting to 127.0.0.1:{port} ", StringComparison.Ordinal));
        var error = r.Terminating?.ErrorRecord ?? Assert.Single(r.Errors);
        Assert.Equal($"127.0.0.1:{port}", error.TargetObject?.ToString());
    }

    [Theory]
    [InlineData("Send-Mail")]
    [InlineData("Get-ImapFolder")]
    [InlineData("Get-ImapMessage")]
    [InlineData("Get-Pop3Message")]
    public void Every_mail_cmdlet_has_the_same_connection_parameters(string cmdlet)
    {
        var r = Ps.Run($"(Get-Command {cmdlet}).Parameters.Keys");
        r.AssertNoErrors();
        var names = r.Output.Select(o => o.ToString()).ToHashSet();
        foreach (var p in new[] { "Server", "Port", "Security", "Credential", "AllowUnencryptedAuthentication", "TimeoutSec", "RetryCount", "RetryDelaySec",
                     "SkipCertificateCheck", "TrustedCertificate", "ClientCertificate" })
        {
            Assert.Contains(p, names);
        }
    }

    [Fact]
    public void Send_Mail_still_takes_SmtpServer()
    {
        var r = Ps.Run($"Send-Mail -SmtpServer 127.0.0.1 -Port {Peers.SmtpPlainPort} -Security None -From me@example.com -To you@example.com -Subject 'alias {Guid.NewGuid()}' -Body b -PassThru");
        r.AssertNoErrors();
        Assert.Equal("127.0.0.1", PsResult.Prop(r.One(), "SmtpServer"));
    }

    [Fact]
    public void A_retry_count_on_a_reader_retries_a_refused_connect_with_a_warning()
    {
        var r = Ps.Run(Cred + $"Get-ImapFolder -Server 127.0.0.1 -Port {Loopback.ClosedTcpPort()} -Credential $cred -Security None -RetryCount 2 -RetryDelaySec 0.05");
        Assert.Equal("ConnectionRefused", Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(2, r.Warnings.Count(w => w.Message.Contains("retrying", StringComparison.Ordinal)));
    }

    // The peers' certificate is self-signed for localhost and 127.0.0.1: untrusted by the system, trusted when given.
    [Theory]
    [InlineData("Send-Mail")]
    [InlineData("Get-ImapFolder")]
    [InlineData("Get-ImapMessage")]
    [InlineData("Get-Pop3Message")]
    public void TrustedCertificate_trusts_a_private_certificate_and_nothing_else_does(string cmdlet)
    {
        var port = cmdlet switch
        {
            "Send-Mail" => Peers.SmtpTlsPort,
            "Get-Pop3Message" => Peers.Pop3sPort,
            _ => Peers.ImapsPort,
        };
        var call = $"{Call(cmdlet)}{(cmdlet == "Send-Mail" ? " -Credential $cred" : "")} -Port {port} -Security SslOnConnect -TimeoutSec 10";
        var untrusted = Ps.Run(Cred + call);
        var error = untrusted.Terminating?.ErrorRecord ?? Assert.Single(untrusted.Errors);
        Assert.Equal("CertificateUntrusted", error.FullyQualifiedErrorId.Split(',')[0]);

        var byPath = Ps.Run(Cred + $"{call} -TrustedCertificate '{Peers.CertificatePath}'");
        byPath.AssertNoErrors();
        var byObject = Ps.Run(Cred + $"{call} -CertificateAuthority ([System.Security.Cryptography.X509Certificates.X509Certificate2]::new('{Peers.CertificatePath}'))");
        byObject.AssertNoErrors();
    }

    [Fact]
    public void A_trusted_certificate_path_that_does_not_exist_is_a_parameter_error()
    {
        var r = Ps.Run(Cred + "Get-ImapFolder -Server 127.0.0.1 -Credential $cred -TrustedCertificate ./no-such-ca.pem");
        var error = r.Terminating?.ErrorRecord ?? Assert.Single(r.Errors);
        Assert.Contains("no-such-ca.pem' does not exist", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("ParameterArgumentTransformationError", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }
}
