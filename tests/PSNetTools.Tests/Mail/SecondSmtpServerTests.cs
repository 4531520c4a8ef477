using PSNetTools.Testing;
using PSNetTools.Testing.Mail;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Mail;

/// <summary>Send-Mail against npm smtp-server, a second SMTP implementation beside aiosmtpd.</summary>
public sealed class SecondSmtpServerTests : IClassFixture<SecondSmtpServerTests.Peer>
{
    private const string Cred = "$cred = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'secret').SecurePassword)\n";
    private readonly NodeSmtpPeer _smtp;

    public SecondSmtpServerTests(Peer peer) => _smtp = peer.Smtp;

    public sealed class Peer : IDisposable
    {
        public NodeSmtpPeer Smtp { get; } = new();

        public void Dispose() => Smtp.Dispose();
    }

    [Fact]
    public void Plain_starttls_and_implicit_tls_all_deliver()
    {
        var r = Ps.Run(Cred + $$"""
            $common = @{ From = 'me@example.com'; To = 'you@example.com'; Body = '正文'; PassThru = $true }
            Send-Mail -SmtpServer 127.0.0.1 -Port {{_smtp.PlainPort}} -Security None -Subject '明文 plain' @common
            Send-Mail -SmtpServer localhost -Port {{_smtp.StartTlsPort}} -Security StartTls -SkipCertificateCheck -Credential $cred -Subject 'starttls' @common
            Send-Mail -SmtpServer localhost -Port {{_smtp.TlsPort}} -Security SslOnConnect -SkipCertificateCheck -Credential $cred -Subject 'implicit' @common
            """);
        r.AssertNoErrors();
        Assert.Equal(["None", "StartTls", "SslOnConnect"], r.Output.Select(o => PsResult.Prop(o, "Security")!.ToString()));
        var messages = _smtp.Messages();
        Assert.Equal(3, messages.Count);
        Assert.Contains(messages, m => m.Contains("Subject: =?utf-8?", StringComparison.OrdinalIgnoreCase)); // the Chinese subject, RFC 2047 encoded
    }

    [Fact]
    public void A_pipeline_is_one_session_here_too()
    {
        var r = Ps.Run(Cred + $$"""
            1..4 | ForEach-Object { [pscustomobject]@{ To = "u$_@example.com"; Subject = "n$_"; Body = 'b' } } |
              Send-Mail -SmtpServer localhost -Port {{_smtp.StartTlsPort}} -Security StartTls -SkipCertificateCheck -Credential $cred -From me@example.com -Verbose
            """);
        r.AssertNoErrors();
        Assert.Equal(1, r.Verbose.Count(v => v.Message.Contains("AUTH", StringComparison.OrdinalIgnoreCase) && v.Message.Contains("C:", StringComparison.Ordinal)));
        Assert.True(_smtp.Messages().Count >= 4);
    }

    [Fact]
    public void Wrong_password_and_plain_text_login_are_refused_clearly()
    {
        var r = Ps.Run($$"""
            $bad = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'wrong').SecurePassword)
            Send-Mail -SmtpServer localhost -Port {{_smtp.TlsPort}} -Security SslOnConnect -SkipCertificateCheck -Credential $bad -From me@example.com -To you@example.com -Subject x -Body y
            """);
        Assert.Equal(System.Management.Automation.ErrorCategory.AuthenticationError, Assert.Single(r.Errors).CategoryInfo.Category);
    }
}
