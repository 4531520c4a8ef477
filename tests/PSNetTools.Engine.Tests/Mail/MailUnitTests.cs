using PSNetTools.Mail;

namespace PSNetTools.Engine.Tests.Mail;

public class MailUnitTests
{
    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("/etc/shadow", "shadow")]
    [InlineData("C:\\Windows\\win.ini", "win.ini")]
    [InlineData("..", "attachment")]
    [InlineData("", "attachment")]
    [InlineData(null, "attachment")]
    [InlineData("CON", "_CON")]
    [InlineData("nul.txt", "_nul.txt")]
    [InlineData("a:b*c?.txt", "a_b_c_.txt")]
    [InlineData("报告 2024.txt", "报告 2024.txt")]
    [InlineData("trailing. ", "trailing")]
    public void Attachment_names_are_made_safe(string? raw, string expected) =>
        Assert.Equal(expected, AttachmentSaver.SafeName(raw));

    [Theory]
    [InlineData("C: AUTH PLAIN AHRlc3RlcgBzZWNyZXQ=", "C: AUTH PLAIN ********")]
    [InlineData("C: A00000001 LOGIN tester secret", "C: A00000001 LOGIN tester ********")]
    [InlineData("C: PASS secret", "C: PASS ********")]
    [InlineData("C: EHLO client", "C: EHLO client")]
    [InlineData("S: 250 OK", "S: 250 OK")]
    public void Protocol_log_redacts_logins(string line, string expected)
    {
        using var log = new ProtocolLogLines(_ => { });
        Assert.Equal(expected, log.Redact(line));
    }

    [Fact]
    public void Protocol_log_redacts_the_lines_of_an_auth_exchange()
    {
        var lines = new List<string>();
        using (var log = new ProtocolLogLines(lines.Add))
        {
            var text = "C: AUTH LOGIN\r\nS: 334 VXNlcm5hbWU6\r\nC: dGVzdGVy\r\nS: 334 UGFzc3dvcmQ6\r\nC: c2VjcmV0\r\nS: 235 ok\r\nC: MAIL FROM:<a@b.c>\r\n"u8.ToArray();
            log.Write(text, 0, text.Length);
        }
        Assert.Equal(["C: AUTH LOGIN ********", "S: 334 VXNlcm5hbWU6", "C: ********", "S: 334 UGFzc3dvcmQ6", "C: ********", "S: 235 ok", "C: MAIL FROM:<a@b.c>"], lines);
    }
}
