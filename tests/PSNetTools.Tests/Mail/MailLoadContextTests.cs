using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Mail;

public class MailLoadContextTests
{
    [Fact]
    public void MailKit_and_MimeKit_load_only_into_the_private_context_and_only_when_a_mail_cmdlet_runs()
    {
        var (code, stdout, stderr) = FreshProcess.Run("""
            Import-Module $ModuleManifestPath
            'after-import'
            [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'MailKit', 'MimeKit' } | ForEach-Object { 'loaded ' + $_.GetName().Name }
            Send-Mail -SmtpServer 127.0.0.1 -Port 1 -From a@example.com -To b@example.com -Subject s -Body b -WhatIf
            'after-send'
            [System.Runtime.Loader.AssemblyLoadContext]::All | ForEach-Object {
                $ctx = $_.Name
                $_.Assemblies | Where-Object { $_.GetName().Name -in 'MailKit', 'MimeKit', 'BouncyCastle.Cryptography' } | ForEach-Object { "$ctx|$($_.GetName().Name)" }
            }
            """);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        var split = lines.IndexOf("after-send");
        Assert.DoesNotContain(lines[..split], l => l.StartsWith("loaded ", StringComparison.Ordinal));
        Assert.Contains("PSNetTools|MimeKit", lines[split..]);
        Assert.DoesNotContain(lines[split..], l => l.Contains("|Mime", StringComparison.Ordinal) && !l.StartsWith("PSNetTools|", StringComparison.Ordinal));
    }
}
