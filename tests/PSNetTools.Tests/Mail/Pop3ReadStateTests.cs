using PSNetTools.Testing.Mail;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Mail;

/// <summary>
/// Issue 13 item 17: Get-Pop3Message without bodies reads headers (TOP), so Dovecot does not mark the message seen;
/// a RETR (bodies asked for) does, as the help says.
/// </summary>
public sealed class Pop3ReadStateTests : IDisposable
{
    private const string Cred = "$cred = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'secret').SecurePassword)\n";
    private readonly MailPeers _peers = MailPeers.Start();

    public void Dispose() => _peers.Dispose();

    [Fact]
    public void Listing_over_POP3_leaves_the_message_unread_and_only_bodies_mark_it()
    {
        var subject = "pop3 seen " + Guid.NewGuid().ToString("N")[..8];
        var imap = $"-Server 127.0.0.1 -Port {_peers.ImapsPort} -Security SslOnConnect -Credential $cred -SkipCertificateCheck";
        var pop3 = $"-Server 127.0.0.1 -Port {_peers.Pop3sPort} -Security SslOnConnect -Credential $cred -SkipCertificateCheck";
        var r = Ps.Run(Cred + $$"""
            Send-Mail -SmtpServer 127.0.0.1 -Port {{_peers.SmtpStartTlsPort}} -Security StartTls -SkipCertificateCheck -Credential $cred `
                -From 'a@example.com' -To 'tester@example.com' -Subject '{{subject}}' -Body 'hello'
            $m = Get-Pop3Message {{pop3}} -Last 1
            '{0}|{1}|{2}' -f $m.Subject, ($null -eq $m.HasAttachments), ($null -eq $m.AttachmentCount)
            (Get-ImapMessage {{imap}} -Last 1).IsRead
            $b = Get-Pop3Message {{pop3}} -Last 1 -IncludeBody
            '{0}|{1}' -f $b.TextBody.Trim(), $b.HasAttachments
            (Get-ImapMessage {{imap}} -Last 1).IsRead
            """);
        r.AssertNoErrors();
        Assert.Equal($"{subject}|True|True", r.Output[0].ToString());
        // Old: RETR for every listing, and Dovecot set \Seen: True here.
        Assert.Equal(false, r.Output[1].BaseObject);
        Assert.Equal("hello|False", r.Output[2].ToString());
        Assert.Equal(true, r.Output[3].BaseObject);
    }
}
