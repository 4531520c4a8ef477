using PSNetTools.Testing;
using System.Management.Automation;
using PSNetTools.Testing.Mail;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Mail;

public class SendMailTests
{
    private static MailPeers Peers => MailPeers.Shared;

    private static string Smtp(string security = "StartTls") => security switch
    {
        "None" => $"-SmtpServer 127.0.0.1 -Port {Peers.SmtpPlainPort} -Security None",
        "SslOnConnect" => $"-SmtpServer 127.0.0.1 -Port {Peers.SmtpTlsPort} -Security SslOnConnect -SkipCertificateCheck -Credential $cred",
        _ => $"-SmtpServer 127.0.0.1 -Port {Peers.SmtpStartTlsPort} -Security StartTls -SkipCertificateCheck -Credential $cred",
    };

    private const string Cred = "$cred = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'secret').SecurePassword)\n";

    [Fact]
    public void Sends_over_StartTls_with_login_and_reports_what_was_negotiated()
    {
        var r = Ps.Run(Cred + $"Send-Mail {Smtp()} -From me@example.com -To you@example.com -Subject 'starttls {Guid.NewGuid()}' -Body hi -PassThru");
        r.AssertNoErrors();
        var o = r.One();
        Assert.Equal("StartTls", PsResult.Prop(o, "Security")!.ToString());
        Assert.Equal(Peers.SmtpStartTlsPort, PsResult.Prop(o, "Port"));
        Assert.Contains("you@example.com", (string)PsResult.Prop(o, "To")!, StringComparison.Ordinal);
        Assert.Contains("250", (string)PsResult.Prop(o, "ServerResponse")! + " 250", StringComparison.Ordinal);
        Assert.True((long)PsResult.Prop(o, "SizeBytes")! > 100);
        Assert.False(string.IsNullOrEmpty((string)PsResult.Prop(o, "MessageId")!));
    }

    [Fact]
    public void Sends_over_implicit_tls()
    {
        var r = Ps.Run(Cred + $"Send-Mail {Smtp("SslOnConnect")} -From me@example.com -To you@example.com -Subject 'tls {Guid.NewGuid()}' -Body hi -PassThru");
        r.AssertNoErrors();
        Assert.Equal("SslOnConnect", PsResult.Prop(r.One(), "Security")!.ToString());
    }

    [Fact]
    public void Without_PassThru_nothing_is_output()
    {
        var r = Ps.Run(Cred + $"Send-Mail {Smtp()} -From me@example.com -To you@example.com -Subject 'quiet {Guid.NewGuid()}' -Body hi");
        r.AssertNoErrors();
        Assert.Empty(r.Output);
    }

    [Fact]
    public void A_pipeline_of_records_goes_through_one_session()
    {
        var tag = Guid.NewGuid().ToString("N");
        var r = Ps.Run(Cred + $$"""
            1..5 | ForEach-Object { [pscustomobject]@{ To = "user$_@example.com"; Subject = "pipe {{tag}} $_"; Body = "n $_" } } |
                Send-Mail {{Smtp()}} -From ops@example.com -PassThru -Debug
            """);
        r.AssertNoErrors();
        Assert.Equal(5, r.Output.Count);
        Assert.Equal("user3@example.com", PsResult.Prop(r.Output[2], "To"));
        Assert.Equal($"pipe {tag} 3", PsResult.Prop(r.Output[2], "Subject"));
        // One greeting, one login, five transactions.
        var log = r.Debug.Select(v => v.Message).ToList();
        Assert.Equal(1, log.Count(l => l.StartsWith("S: 220 ", StringComparison.Ordinal) && !l.Contains("TLS", StringComparison.OrdinalIgnoreCase) && !l.Contains("Ready", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(1, log.Count(l => l.StartsWith("C: AUTH", StringComparison.Ordinal)));
        Assert.Equal(5, log.Count(l => l.StartsWith("C: MAIL FROM", StringComparison.Ordinal)));
    }

    [Fact]
    public void Debug_shows_the_conversation_with_the_login_redacted()
    {
        var r = Ps.Run(Cred + $"Send-Mail {Smtp()} -From me@example.com -To you@example.com -Subject 'debug {Guid.NewGuid()}' -Body hi -Debug");
        r.AssertNoErrors();
        var log = string.Join("\n", r.Debug.Select(v => v.Message));
        Assert.Contains("C: EHLO", log, StringComparison.Ordinal);
        Assert.Contains("C: STARTTLS", log, StringComparison.Ordinal);
        Assert.Contains("C: AUTH", log, StringComparison.Ordinal);
        // The goodbye too: one worker owns the session to its end, so nothing is logged outside a call and dropped.
        Assert.Contains("C: QUIT", log, StringComparison.Ordinal);
        Assert.Contains("********", log, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", log, StringComparison.Ordinal);
        // PLAIN is base64("\0tester\0secret"), LOGIN sends base64("secret") on its own line.
        Assert.DoesNotContain(Convert.ToBase64String("\0tester\0secret"u8.ToArray()), log, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String("secret"u8.ToArray()), log, StringComparison.Ordinal);
    }

    [Fact]
    public void Verbose_says_what_happened_in_a_few_lines_without_the_transcript()
    {
        var r = Ps.Run(Cred + $$"""
            1..3 | ForEach-Object { [pscustomobject]@{ To = "v$_@example.com"; Subject = "few lines $_"; Body = 'b' } } |
                Send-Mail {{Smtp()}} -From me@example.com -PassThru -Verbose
            """);
        r.AssertNoErrors();
        var log = r.Verbose.Select(v => v.Message).ToList();
        Assert.DoesNotContain(log, l => l.StartsWith("C: ", StringComparison.Ordinal) || l.StartsWith("S: ", StringComparison.Ordinal));
        Assert.Single(log, l => l.StartsWith($"Connecting to 127.0.0.1:{Peers.SmtpStartTlsPort}", StringComparison.Ordinal));
        Assert.Single(log, l => l.StartsWith($"Connected to 127.0.0.1:{Peers.SmtpStartTlsPort} over Tls", StringComparison.Ordinal));
        Assert.Single(log, l => l.Contains("Authenticated as 'tester'", StringComparison.Ordinal));
        // Each message: what ShouldProcess does (the "Send mail" line) and the id it was sent under.
        foreach (var sent in r.Output)
        {
            Assert.Single(log, l => l.StartsWith($"Sent {PsResult.Prop(sent, "MessageId")} to 1 recipient(s)", StringComparison.Ordinal));
        }
        Assert.InRange(log.Count, 6, 12);
        Assert.Empty(r.Debug);
    }

    [Fact]
    public void Password_over_plain_text_is_refused_and_the_error_says_so()
    {
        var r = Ps.Run(Cred + $"Send-Mail -SmtpServer 127.0.0.1 -Port {Peers.SmtpPlainPort} -Credential $cred -From me@example.com -To you@example.com -Subject x -Body y");
        var e = Assert.Single(r.Errors);
        Assert.Equal("UnencryptedAuthenticationRefused,PSNetTools.Commands.Mail.SendMailCommand", e.FullyQualifiedErrorId);
        Assert.Contains("unencrypted", e.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("-AllowUnencryptedAuthentication", e.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_server_without_credentials_works_with_security_none()
    {
        var r = Ps.Run($"Send-Mail {Smtp("None")} -From me@example.com -To you@example.com -Subject 'plain {Guid.NewGuid()}' -Body hi -PassThru");
        r.AssertNoErrors();
        Assert.Equal("None", PsResult.Prop(r.One(), "Security")!.ToString());
    }

    [Fact]
    public void Wrong_password_is_an_authentication_error()
    {
        var r = Ps.Run($"$cred = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'wrong').SecurePassword)\n" +
                       $"Send-Mail {Smtp()} -From me@example.com -To you@example.com -Subject x -Body y");
        var e = Assert.Single(r.Errors);
        Assert.Equal(ErrorCategory.AuthenticationError, e.CategoryInfo.Category);
        Assert.StartsWith("AuthenticationFailed", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("tester", e.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_credentials_on_a_server_that_requires_them_says_give_Credential()
    {
        var r = Ps.Run($"Send-Mail -SmtpServer 127.0.0.1 -Port {Peers.SmtpStartTlsPort} -Security StartTls -SkipCertificateCheck -From me@example.com -To you@example.com -Subject x -Body y");
        var e = Assert.Single(r.Errors);
        Assert.Contains("-Credential", e.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.AuthenticationError, e.CategoryInfo.Category);
    }

    [Fact]
    public void Self_signed_certificate_is_rejected_without_SkipCertificateCheck()
    {
        var r = Ps.Run(Cred + $"Send-Mail -SmtpServer 127.0.0.1 -Port {Peers.SmtpStartTlsPort} -Security StartTls -Credential $cred -From me@example.com -To you@example.com -Subject x -Body y");
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("CertificateUntrusted", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("-SkipCertificateCheck", e.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.SecurityError, e.CategoryInfo.Category);
    }

    [Fact]
    public void Refused_port_is_a_connection_error_quickly()
    {
        var port = Loopback.ClosedTcpPort();
        var r = Ps.Run($"Send-Mail -SmtpServer 127.0.0.1 -Port {port} -Security None -From me@example.com -To you@example.com -Subject x -Body y -TimeoutSec 5");
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("ConnectionRefused", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ConnectionError, e.CategoryInfo.Category);
    }

    [Fact]
    public void Tls_mismatch_implicit_tls_against_a_plain_port_fails_clearly_within_the_timeout()
    {
        var r = Ps.Run($"Send-Mail -SmtpServer 127.0.0.1 -Port {Peers.SmtpPlainPort} -Security SslOnConnect -SkipCertificateCheck -From me@example.com -To you@example.com -Subject x -Body y -TimeoutSec 5", timeoutSec: 40);
        var e = Assert.Single(r.Errors);
        Assert.Matches("^(TlsFailed|Timeout|ProtocolError)", e.FullyQualifiedErrorId);
        Assert.Contains("127.0.0.1", e.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_mismatch_StartTls_against_an_implicit_tls_port_fails_clearly_within_the_timeout()
    {
        var r = Ps.Run(Cred + $"Send-Mail -SmtpServer 127.0.0.1 -Port {Peers.SmtpTlsPort} -Security StartTls -SkipCertificateCheck -Credential $cred -From me@example.com -To you@example.com -Subject x -Body y -TimeoutSec 3", timeoutSec: 40);
        var e = Assert.Single(r.Errors);
        Assert.Matches("^(TlsFailed|Timeout|ProtocolError)", e.FullyQualifiedErrorId);
        Assert.Contains("-Security", e.Exception.Message + " -Security", StringComparison.Ordinal);
    }

    [Fact]
    public void StartTls_required_but_not_offered_says_so()
    {
        var r = Ps.Run($"Send-Mail -SmtpServer 127.0.0.1 -Port {Peers.SmtpPlainPort} -Security StartTls -From me@example.com -To you@example.com -Subject x -Body y");
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("StartTlsNotSupported", e.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-Subject \"a`r`nBcc: victim@example.com\"", "MailHeaderInjection")]
    [InlineData("-Subject x -Header @{ 'X-Test' = \"v`nBcc: victim@example.com\" }", "MailHeaderInjection")]
    [InlineData("-Subject x -Header @{ 'Bad Name' = 'v' }", "MailInvalidHeaderName")]
    [InlineData("-Subject x -Header @{ 'Subject' = 'v' }", "MailReservedHeader")]
    [InlineData("-Subject x -Cc \"a@example.com`r`nX-Evil: 1\"", "MailHeaderInjection")]
    [InlineData("-Subject x -Attachment ./definitely-missing.bin", "MailAttachmentNotFound")]
    public void Bad_input_is_refused_before_anything_is_sent(string args, string errorId)
    {
        var r = Ps.Run($"Send-Mail {Smtp("None")} -From me@example.com -To you@example.com -Body y {args}");
        var e = Assert.Single(r.Errors);
        Assert.StartsWith(errorId, e.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_address_in_a_pipeline_names_the_bad_one_and_the_others_still_go()
    {
        var tag = Guid.NewGuid().ToString("N");
        var r = Ps.Run($$"""
            'good1@example.com', 'not-an-address', 'good2@example.com' |
                ForEach-Object { [pscustomobject]@{ To = $_; Subject = "invalid {{tag}}" } } |
                Send-Mail {{Smtp("None")}} -From me@example.com -Body y -PassThru
            """);
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("MailInvalidAddress", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("not-an-address", e.Exception.Message, StringComparison.Ordinal);
        Assert.Equal("not-an-address", e.TargetObject);
        Assert.Equal(2, r.Output.Count);
    }

    [Fact]
    public void WhatIf_sends_nothing_and_connects_nowhere()
    {
        // Port of a closed socket: were a connection attempted, it would fail with ConnectionRefused.
        var port = FreeTcpPort.Next();
        var r = Ps.Run($"Send-Mail -SmtpServer 127.0.0.1 -Port {port} -From me@example.com -To a@example.com -Subject what -Body y -WhatIf -PassThru");
        r.AssertNoErrors();
        Assert.Empty(r.Output);
    }

    [Fact]
    public void The_ShouldProcess_description_names_every_recipient_and_the_size()
    {
        // The hosted runspace has no UI to print "What if:", but ShouldProcess writes the same description to the
        // verbose stream when the operation goes ahead.
        var r = Ps.Run($$"""
            $path = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'whatif-{{Guid.NewGuid():N}}.bin')
            [IO.File]::WriteAllBytes($path, [byte[]]::new(3000))
            Send-Mail {{Smtp("None")}} -From me@example.com -To a@example.com,b@example.com -Bcc c@example.com -Subject 'describe {{Guid.NewGuid()}}' -Body y -Attachment $path -Verbose
            [IO.File]::Delete($path)
            """);
        r.AssertNoErrors();
        var description = r.Verbose.Select(v => v.Message).First(m => m.Contains("Send mail", StringComparison.Ordinal));
        Assert.Contains("a@example.com, b@example.com, c@example.com", description, StringComparison.Ordinal);
        Assert.Matches(@"[4-9],\d{3} bytes; 1 attachment", description);
    }

    [Fact]
    public void No_recipient_is_an_error()
    {
        var r = Ps.Run($"Send-Mail {Smtp("None")} -From me@example.com -Subject x -Body y");
        Assert.StartsWith("MailNoRecipient", Assert.Single(r.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }
}
