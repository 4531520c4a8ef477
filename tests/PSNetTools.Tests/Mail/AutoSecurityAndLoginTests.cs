using System.Diagnostics;
using System.Management.Automation;
using PSNetTools.Testing.Mail;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Mail;

/// <summary>Issue 12 item 7: -Security Auto on implicit-TLS ports that are not 465/993/995, and one login per wrong password.</summary>
public sealed class AutoSecurityAndLoginTests
{
    private const string Cred = "$cred = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'secret').SecurePassword)\n";
    private const string WrongCred = "$cred = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'nope').SecurePassword)\n";

    [Fact]
    public void Auto_detects_implicit_TLS_on_Dovecots_nonstandard_IMAPS_and_POP3S_ports()
    {
        var peers = MailPeers.Shared;
        var watch = Stopwatch.StartNew();
        // Before: Auto waited for a plain greeting that an implicit-TLS port never sends, the whole -TimeoutSec long.
        var r = Ps.Run(Cred + $"""
            @(Get-ImapFolder -Server 127.0.0.1 -Port {peers.ImapsPort} -Security Auto -Credential $cred -SkipCertificateCheck -TimeoutSec 20).Count -gt 0
            @(Get-Pop3Message -Server 127.0.0.1 -Port {peers.Pop3sPort} -Security Auto -Credential $cred -SkipCertificateCheck -TimeoutSec 20 -First 1).Count -ge 0
            """);
        r.AssertNoErrors();
        Assert.Equal([true, true], r.Output.Select(o => o.BaseObject));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Auto_reports_SslOnConnect_for_the_SMTP_peers_implicit_TLS_port_and_StartTls_on_the_submission_port()
    {
        var peers = MailPeers.Shared;
        var r = Ps.Run(Cred + $$"""
            $common = @{ SmtpServer = '127.0.0.1'; Security = 'Auto'; Credential = $cred; SkipCertificateCheck = $true; TimeoutSec = 20; From = 'me@example.com'; To = 'tester@example.com'; PassThru = $true }
            (Send-Mail @common -Port {{peers.SmtpTlsPort}} -Subject 'auto tls {{Guid.NewGuid():N}}' -Body x).Security
            (Send-Mail @common -Port {{peers.SmtpStartTlsPort}} -Subject 'auto starttls {{Guid.NewGuid():N}}' -Body x).Security
            """);
        r.AssertNoErrors();
        Assert.Equal(["SslOnConnect", "StartTls"], r.Output.Select(o => o.BaseObject.ToString()));
    }

    [Fact]
    public async Task One_wrong_password_is_one_failed_login_and_an_authentication_error_within_TimeoutSec_5()
    {
        // Dovecot's default auth_failure_delay: 2 s before each NO. Three attempts used to take 6 s, past -TimeoutSec 5.
        await using var peer = new CountingImapPeer(TimeSpan.FromSeconds(2));
        var r = Ps.Run(WrongCred + $"""
            Get-ImapMessage -Server 127.0.0.1 -Port {peer.Port} -Security None -AllowUnencryptedAuthentication -Credential $cred -TimeoutSec 5 -Last 1
            """);
        Assert.Empty(r.Output);
        var e = Assert.Single(r.Errors);
        Assert.Equal(ErrorCategory.AuthenticationError, e.CategoryInfo.Category);
        Assert.StartsWith("AuthenticationFailed", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(1, peer.Attempts);
    }
}
