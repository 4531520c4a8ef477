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
              Send-Mail -SmtpServer localhost -Port {{_smtp.StartTlsPort}} -Security StartTls -SkipCertificateCheck -Credential $cred -From me@example.com -Debug
            """);
        r.AssertNoErrors();
        Assert.Equal(1, r.Debug.Count(v => v.Message.Contains("AUTH", StringComparison.OrdinalIgnoreCase) && v.Message.Contains("C:", StringComparison.Ordinal)));
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

    [Fact]
    public void A_session_the_server_dropped_is_reopened_and_nothing_is_lost()
    {
        var r = Ps.Run($$"""
            'first', 'second' | ForEach-Object { if ($_ -eq 'second') { Start-Sleep -Milliseconds 1500 }; [pscustomobject]@{ Subject = "drop $_"; Body = 'b' } } |
              Send-Mail -SmtpServer 127.0.0.1 -Port {{_smtp.IdleDropPort}} -Security None -From me@example.com -To you@example.com -PassThru -Verbose
            """);
        r.AssertNoErrors();
        Assert.Equal(["drop first", "drop second"], r.Output.Select(o => (string)PsResult.Prop(o, "Subject")!));
        Assert.Contains(r.Verbose, v => v.Message.Contains("reconnecting", StringComparison.Ordinal));
        Assert.Contains(_smtp.Messages(), m => m.Contains("Subject: drop second", StringComparison.Ordinal));
    }

    [Fact]
    public void Retries_are_announced_and_the_last_failure_reported()
    {
        var port = Loopback.ClosedTcpPort();
        var r = Ps.Run($"Send-Mail -SmtpServer 127.0.0.1 -Port {port} -Security None -From a@example.com -To b@example.com -Subject s -Body b -RetryCount 2 -RetryDelaySec 0.05 -TimeoutSec 5", timeoutSec: 60);
        Assert.Equal(2, r.Warnings.Count(w => w.Message.Contains("retry", StringComparison.Ordinal)));
        Assert.Single(r.Errors);
    }

    [Fact]
    public void Ctrl_c_stops_a_send_that_waits_on_a_silent_server()
    {
        var port = Loopback.FreeTcpPort();
        using var silent = PeerProcess.Start("socat", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork SYSTEM:\"sleep 60\"", port);
        var r = Ps.RunAndStop($"Send-Mail -SmtpServer 127.0.0.1 -Port {port} -Security None -From a@example.com -To b@example.com -Subject s -Body b -TimeoutSec 60", TimeSpan.FromSeconds(1));
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(4), $"took {r.Elapsed}");
    }
}
