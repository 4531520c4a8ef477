using PSNetTools.Testing;
using System.Management.Automation;
using PSNetTools.Testing.Mail;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Mail;

/// <summary>The central test of the mail cmdlets: what Send-Mail sends comes back intact over IMAP and POP3.</summary>
public sealed class EndToEndTests : IDisposable
{
    private const string Cred = "$cred = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'secret').SecurePassword)\n";
    private readonly MailPeers _peers = MailPeers.Start();
    private readonly string _dir = Directory.CreateTempSubdirectory("psnt-mail-e2e-").FullName;

    public void Dispose()
    {
        _peers.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Imap => $"-Server 127.0.0.1 -Port {_peers.ImapsPort} -Security SslOnConnect -Credential $cred -SkipCertificateCheck";

    private string Pop3 => $"-Server 127.0.0.1 -Port {_peers.Pop3sPort} -Security SslOnConnect -Credential $cred -SkipCertificateCheck";

    [Fact]
    public void Chinese_subject_html_body_and_two_attachments_come_back_intact_over_imap_and_pop3()
    {
        var binary = new byte[70_001];
        new Random(42).NextBytes(binary);
        var binaryPath = Path.Combine(_dir, "data.bin");
        File.WriteAllBytes(binaryPath, binary);
        var chinesePath = Path.Combine(_dir, "报告 2024.txt");
        File.WriteAllText(chinesePath, "这是附件的内容。\nline two\n");
        var subject = "Python发送的测试邮件 " + Guid.NewGuid().ToString("N")[..8];
        var saveImap = Path.Combine(_dir, "imap-files");
        var savePop = Path.Combine(_dir, "pop-files");

        var r = Ps.Run(Cred + $$"""
            Send-Mail -SmtpServer 127.0.0.1 -Port {{_peers.SmtpStartTlsPort}} -Security StartTls -SkipCertificateCheck -Credential $cred `
                -From '张三 <zs@example.com>' -To 'tester@example.com' -Subject '{{subject}}' -Body '<p>这是<b>测试</b>邮件。</p>' -BodyAsHtml `
                -Attachment '{{binaryPath}}', '{{chinesePath}}' -PassThru
            'imap'
            Get-ImapMessage {{Imap}} -Last 1 -IncludeBody -AttachmentPath '{{saveImap}}'
            'pop3'
            Get-Pop3Message {{Pop3}} -Last 1 -IncludeBody -AttachmentPath '{{savePop}}'
            """);
        r.AssertNoErrors();
        Assert.Equal(5, r.Output.Count);
        var sent = r.Output[0];
        var imap = r.Output[2];
        var pop = r.Output[4];

        foreach (var m in new[] { imap, pop })
        {
            Assert.Equal(subject, PsResult.Prop(m, "Subject"));
            Assert.Contains("张三", (string)PsResult.Prop(m, "From")!, StringComparison.Ordinal);
            Assert.Contains("<b>测试</b>", (string)PsResult.Prop(m, "HtmlBody")!, StringComparison.Ordinal);
            Assert.Equal(PsResult.Prop(sent, "MessageId"), PsResult.Prop(m, "MessageId"));
            Assert.True((bool)PsResult.Prop(m, "HasAttachments")!);
            var names = ((System.Collections.IEnumerable)PsResult.Prop(m, "AttachmentNames")!).Cast<object>().Select(o => o.ToString()).ToList();
            Assert.Equal(["data.bin", "报告 2024.txt"], names);
        }
        Assert.Equal("IMAP", PsResult.Prop(imap, "Protocol"));
        Assert.False((bool)PsResult.Prop(imap, "IsRead")!); // reading leaves messages unread unless -MarkRead
        Assert.Equal("POP3", PsResult.Prop(pop, "Protocol"));

        foreach (var dir in new[] { saveImap, savePop })
        {
            Assert.Equal(binary, File.ReadAllBytes(Path.Combine(dir, "data.bin")));
            Assert.Equal(File.ReadAllBytes(chinesePath), File.ReadAllBytes(Path.Combine(dir, "报告 2024.txt")));
        }
    }

    [Fact]
    public void Imap_search_filters_run_on_the_server_and_results_are_newest_first()
    {
        for (var i = 1; i <= 6; i++)
        {
            var from = i % 2 == 0 ? "alerts@example.com" : "people@example.com";
            _peers.Deliver($"From: {from}\r\nTo: tester@example.com\r\nSubject: {(i == 5 ? "invoice 5" : "msg " + i)}\r\nMessage-ID: <m{i}@example.com>\r\n\r\nbody {(i == 3 ? "needle" : "hay")} {i}\r\n");
        }
        var r = Ps.Run(Cred + $$"""
            'last3'; Get-ImapMessage {{Imap}} -Last 3 | ForEach-Object Subject
            'first2'; Get-ImapMessage {{Imap}} -First 2 | ForEach-Object Subject
            'from'; Get-ImapMessage {{Imap}} -From alerts@ | ForEach-Object Subject
            'subject'; Get-ImapMessage {{Imap}} -Subject invoice | ForEach-Object Subject
            'body'; Get-ImapMessage {{Imap}} -BodyContains needle | ForEach-Object Subject
            'since'; (Get-ImapMessage {{Imap}} -Since ([datetime]::Today)).Count
            'before'; (Get-ImapMessage {{Imap}} -Before ([datetime]::Today.AddDays(-1))).Count
            'unread'; (Get-ImapMessage {{Imap}} -Unread).Count
            """);
        r.AssertNoErrors();
        var lines = r.Output.Select(o => o.ToString()).ToList();
        List<string> After(string label) => lines.SkipWhile(l => l != label).Skip(1).TakeWhile(l => !new[] { "last3", "first2", "from", "subject", "body", "since", "before", "unread" }.Contains(l)).ToList();
        Assert.Equal(["msg 6", "invoice 5", "msg 4"], After("last3"));
        Assert.Equal(["msg 1", "msg 2"], After("first2"));
        Assert.Equal(["msg 6", "msg 4", "msg 2"], After("from"));
        Assert.Equal(["invoice 5"], After("subject"));
        Assert.Equal(["msg 3"], After("body"));
        Assert.Equal(["6"], After("since"));
        Assert.Equal(["0"], After("before"));
        Assert.Equal(["6"], After("unread"));
    }

    [Fact]
    public void MarkRead_marks_downloaded_messages_read_and_Unread_then_skips_them()
    {
        _peers.Deliver("From: a@example.com\r\nTo: tester@example.com\r\nSubject: one\r\n\r\nx\r\n");
        _peers.Deliver("From: a@example.com\r\nTo: tester@example.com\r\nSubject: two\r\n\r\ny\r\n");
        var r = Ps.Run(Cred + $$"""
            Get-ImapMessage {{Imap}} -Last 1 -IncludeBody -MarkRead | ForEach-Object IsRead
            Get-ImapMessage {{Imap}} -Unread | ForEach-Object Subject
            Get-ImapFolder {{Imap}} INBOX | ForEach-Object { "$($_.Total)/$($_.Unread)" }
            """);
        r.AssertNoErrors();
        Assert.Equal(["True", "one", "2/1"], r.Output.Select(o => o.ToString()).ToList());
    }

    [Fact]
    public void Attachment_names_cannot_escape_the_directory_and_nothing_is_overwritten_without_Force()
    {
        const string hostile = "From: a@example.com\r\nTo: tester@example.com\r\nSubject: hostile\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhi\r\n" +
            "--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"../../escape.txt\"\r\n\r\nAAA\r\n" +
            "--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"/etc/passwd\"\r\n\r\nBBB\r\n" +
            "--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"CON.txt\"\r\n\r\nCCC\r\n" +
            "--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"same.txt\"\r\n\r\nD1\r\n" +
            "--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"same.txt\"\r\n\r\nD2\r\n" +
            "--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"..\"\r\n\r\nEEE\r\n--XX--\r\n";
        _peers.Deliver(hostile);
        var target = Path.Combine(_dir, "in", "box");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "passwd"), "mine");
        var r = Ps.Run(Cred + $$"""
            (Get-ImapMessage {{Imap}} -Last 1 -AttachmentPath '{{target}}').SavedAttachments
            'again'
            (Get-ImapMessage {{Imap}} -Last 1 -AttachmentPath '{{target}}' -Force).SavedAttachments
            """);
        r.AssertNoErrors();
        var saved = r.Output.Select(o => o.ToString()!).ToList();
        var first = saved.TakeWhile(s => s != "again").ToList();
        Assert.All(saved.Where(s => s != "again"), p => Assert.StartsWith(target + Path.DirectorySeparatorChar, p, StringComparison.Ordinal));
        Assert.Equal(6, first.Count);
        Assert.False(File.Exists(Path.Combine(_dir, "escape.txt")));
        Assert.False(File.Exists(Path.Combine(_dir, "in", "escape.txt")));
        Assert.Equal("AAA", File.ReadAllText(Path.Combine(target, "escape.txt")).Trim());
        // The existing "passwd" was kept by the first run (which wrote "passwd (2)"), and replaced only by the -Force run.
        Assert.Contains(Path.Combine(target, "passwd (2)"), first);
        Assert.DoesNotContain(Path.Combine(target, "passwd"), first);
        Assert.Equal("BBB", File.ReadAllText(Path.Combine(target, "passwd (2)")).Trim());
        Assert.Equal("CCC", File.ReadAllText(Path.Combine(target, "_CON.txt")).Trim());
        Assert.Equal("D1", File.ReadAllText(Path.Combine(target, "same.txt")).Trim());
        Assert.Equal("D2", File.ReadAllText(Path.Combine(target, "same (2).txt")).Trim());
        Assert.Equal("EEE", File.ReadAllText(Path.Combine(target, "attachment")).Trim());
        // With -Force the second run overwrites instead of adding "(3)" copies.
        Assert.Contains(Path.Combine(target, "passwd"), saved.SkipWhile(s => s != "again"));
        Assert.Equal("BBB", File.ReadAllText(Path.Combine(target, "passwd")).Trim());
    }

    [Fact]
    public void Wrong_password_is_an_authentication_error_for_imap_and_pop3()
    {
        var r = Ps.Run("$cred = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'nope').SecurePassword)\n" +
                       $"Get-ImapMessage {Imap} -Last 1\nGet-Pop3Message {Pop3} -Last 1\nGet-ImapFolder {Imap}");
        Assert.Equal(3, r.Errors.Count);
        Assert.All(r.Errors, e =>
        {
            Assert.Equal(ErrorCategory.AuthenticationError, e.CategoryInfo.Category);
            Assert.StartsWith("AuthenticationFailed", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Starttls_on_the_plain_ports_and_refusal_of_plain_text_logins()
    {
        _peers.Deliver("From: a@example.com\r\nTo: tester@example.com\r\nSubject: s\r\n\r\nx\r\n");
        var r = Ps.Run(Cred + $$"""
            Get-ImapMessage -Server 127.0.0.1 -Port {{_peers.ImapPort}} -Security StartTls -Credential $cred -SkipCertificateCheck | ForEach-Object Subject
            Get-Pop3Message -Server 127.0.0.1 -Port {{_peers.Pop3Port}} -Security StartTls -Credential $cred -SkipCertificateCheck | ForEach-Object Subject
            Get-ImapMessage -Server 127.0.0.1 -Port {{_peers.ImapPort}} -Security None -Credential $cred
            Get-Pop3Message -Server 127.0.0.1 -Port {{_peers.Pop3Port}} -Security None -Credential $cred -AllowUnencryptedAuthentication | ForEach-Object Subject
            """);
        Assert.Equal(["s", "s", "s"], r.Output.Select(o => o.ToString()).ToList());
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("UnencryptedAuthenticationRefused", e.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void Imap_debug_transcript_hides_the_password_and_missing_folder_is_a_clear_error()
    {
        var r = Ps.Run(Cred + $"Get-ImapMessage {Imap} -Folder NoSuchFolder -Debug");
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("MailFolderNotFound", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        var log = string.Join("\n", r.Debug.Select(v => v.Message));
        Assert.Contains("C: ", log, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String("\0tester\0secret"u8.ToArray()), log, StringComparison.Ordinal);
    }

    [Fact]
    public void Refused_and_silent_ports_fail_within_the_timeout()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var silentPort = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var r = Ps.Run(Cred + $$"""
            Get-ImapMessage -Server 127.0.0.1 -Port {{Loopback.ClosedTcpPort()}} -Credential $cred -TimeoutSec 5
            Get-Pop3Message -Server 127.0.0.1 -Port {{silentPort}} -Credential $cred -TimeoutSec 2
            """, timeoutSec: 60);
        Assert.Equal(2, r.Errors.Count);
        Assert.StartsWith("ConnectionRefused", r.Errors[0].FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.StartsWith("Timeout", r.Errors[1].FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.OperationTimeout, r.Errors[1].CategoryInfo.Category);
    }
}
