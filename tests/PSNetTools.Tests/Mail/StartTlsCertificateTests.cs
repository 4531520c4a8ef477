using PSNetTools.Testing.Mail;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Mail;

/// <summary>Get-TlsCertificate -StartTls against the Dovecot and aiosmtpd peers.</summary>
public sealed class StartTlsCertificateTests
{
    private static MailPeers Peers => MailPeers.Shared;

    [Theory]
    [InlineData("Smtp")]
    [InlineData("Imap")]
    [InlineData("Pop3")]
    public void Each_protocol_upgrades_and_shows_the_certificate(string protocol)
    {
        var port = protocol switch { "Smtp" => Peers.SmtpStartTlsPort, "Imap" => Peers.ImapPort, _ => Peers.Pop3Port };
        var r = Ps.Run($"Get-TlsCertificate 127.0.0.1 -Port {port} -StartTls {protocol} -ServerName localhost -TimeoutSec 10");
        r.AssertNoErrors();
        var cert = r.One();
        using var expected = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Peers.CertificatePath);
        Assert.Equal(expected.Thumbprint, PsResult.Prop(cert, "Thumbprint"));
        Assert.StartsWith("Tls1", PsResult.Prop(cert, "Protocol")!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_that_does_not_offer_the_upgrade_says_so()
    {
        // The plain aiosmtpd port does not announce STARTTLS; the implicit-TLS port does not speak plain SMTP at all.
        var r = Ps.Run($"Get-TlsCertificate 127.0.0.1 -Port {Peers.SmtpPlainPort} -StartTls Smtp -TimeoutSec 5; Get-TlsCertificate 127.0.0.1 -Port {Peers.ImapsPort} -StartTls Imap -TimeoutSec 2", timeoutSec: 60);
        Assert.Empty(r.Output);
        Assert.Equal(2, r.Errors.Count);
        Assert.All(r.Errors, e => Assert.StartsWith("StartTlsFailed", e.FullyQualifiedErrorId, StringComparison.Ordinal));
        Assert.Contains("does not offer STARTTLS", r.Errors[0].Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_protocol_name_is_a_parameter_error()
    {
        var r = Ps.Run("Get-TlsCertificate 127.0.0.1 -Port 25 -StartTls Ftp", timeoutSec: 20);
        Assert.IsAssignableFrom<System.Management.Automation.ParameterBindingException>(Assert.Single(r.Errors).Exception);
    }
}
