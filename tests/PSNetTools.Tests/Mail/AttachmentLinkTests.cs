using PSNetTools.Testing.Mail;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Mail;

/// <summary>
/// Issue 10 item 17, through the cmdlets and Dovecot: a link in -AttachmentPath named like an attachment, to a file
/// outside the folder or to nothing, is replaced under -Force, never written through. The old module overwrote the
/// outside file and created the dangling link's target, over IMAP and POP3 alike.
/// </summary>
public sealed class AttachmentLinkTests : IDisposable
{
    private const string Cred = "$cred = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'secret').SecurePassword)\n";
    private const string Message = "From: a@example.com\r\nTo: tester@example.com\r\nSubject: links\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhi\r\n" +
        "--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"report.txt\"\r\n\r\nFROM THE SENDER\r\n" +
        "--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"ghost.txt\"\r\n\r\nPLANTED\r\n--XX--\r\n";

    private readonly MailPeers _peers = MailPeers.Start();
    private readonly string _dir = Directory.CreateTempSubdirectory("psnt-mail-links-").FullName;

    public void Dispose()
    {
        _peers.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("Get-ImapMessage", "ImapsPort")]
    [InlineData("Get-Pop3Message", "Pop3sPort")]
    public void Force_replaces_links_in_the_attachment_folder_instead_of_writing_through_them(string cmdlet, string portName)
    {
        _peers.Deliver(Message);
        var port = (int)typeof(MailPeers).GetProperty(portName)!.GetValue(_peers)!;
        var save = Directory.CreateDirectory(Path.Combine(_dir, "save")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(_dir, "outside")).FullName;
        var secret = Path.Combine(outside, "secret.txt");
        File.WriteAllText(secret, "precious");
        File.CreateSymbolicLink(Path.Combine(save, "report.txt"), secret);
        File.CreateSymbolicLink(Path.Combine(save, "ghost.txt"), Path.Combine(outside, "planted.txt"));

        var r = Ps.Run(Cred + $$"""
            ({{cmdlet}} -Server 127.0.0.1 -Port {{port}} -Security SslOnConnect -SkipCertificateCheck -Credential $cred -Last 1 -AttachmentPath '{{save}}' -Force).SavedAttachments
            """);

        r.AssertNoErrors();
        Assert.Equal([Path.Combine(save, "report.txt"), Path.Combine(save, "ghost.txt")], r.Output.Select(o => o.ToString()));
        Assert.Equal("precious", File.ReadAllText(secret));
        Assert.False(File.Exists(Path.Combine(outside, "planted.txt")), "the dangling link's target was created");
        foreach (var (name, content) in new[] { ("report.txt", "FROM THE SENDER"), ("ghost.txt", "PLANTED") })
        {
            var saved = new FileInfo(Path.Combine(save, name));
            Assert.Null(saved.LinkTarget);
            Assert.Equal(content, File.ReadAllText(saved.FullName).Trim());
        }
    }
}
