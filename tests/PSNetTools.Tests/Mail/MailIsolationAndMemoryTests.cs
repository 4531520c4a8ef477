using PSNetTools.Testing;
using PSNetTools.Testing.Mail;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Mail;

/// <summary>
/// The isolation proof of the mail issue: another MimeKit build (4.18.0, downloaded by the test project) is loaded
/// into PowerShell's default load context first, as another module would; Send-Mail still works with its own copy.
/// </summary>
public sealed class MailIsolationAndMemoryTests : IClassFixture<MailIsolationAndMemoryTests.Peer>
{
    private readonly NodeSmtpPeer _smtp;

    public MailIsolationAndMemoryTests(Peer peer) => _smtp = peer.Smtp;

    public sealed class Peer : IDisposable
    {
        public NodeSmtpPeer Smtp { get; } = new();

        public void Dispose() => Smtp.Dispose();
    }

    private static string OtherMimeKit() => DownloadedPackage.File("MimeKit", "4.18.0", Path.Combine("lib", "net8.0", "MimeKit.dll"));

    [Fact]
    public void Send_mail_works_with_a_different_MimeKit_already_in_the_default_context()
    {
        var other = OtherMimeKit();
        var (code, stdout, stderr) = FreshProcess.Run($$"""
            $null = [System.Reflection.Assembly]::LoadFrom('{{other}}')
            Import-Module $ModuleManifestPath
            $m = Send-Mail -SmtpServer 127.0.0.1 -Port {{_smtp.PlainPort}} -Security None -From a@example.com -To b@example.com -Subject 'isolated' -Body b -PassThru
            'sent ' + $m.Subject
            [System.Runtime.Loader.AssemblyLoadContext]::All | ForEach-Object {
                $ctx = $_.Name
                $_.Assemblies | Where-Object { $_.GetName().Name -eq 'MimeKit' } | ForEach-Object { "mimekit|$ctx|$($_.Location)" }
            }
            """);
        Assert.True(code == 0, stdout + stderr);
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("sent isolated", lines);
        var mimekits = lines.Where(l => l.StartsWith("mimekit|", StringComparison.Ordinal)).ToList();
        Assert.Contains(mimekits, l => l.StartsWith("mimekit|Default|", StringComparison.Ordinal) && l.EndsWith(other, StringComparison.Ordinal));
        Assert.Contains(mimekits, l => l.StartsWith("mimekit|PSNetTools|", StringComparison.Ordinal) && l.Contains("dependencies", StringComparison.Ordinal));
        Assert.Contains(_smtp.Messages(), m => m.Contains("Subject: isolated", StringComparison.Ordinal));
    }

    [Fact]
    public void A_50_MB_attachment_is_streamed_not_held_in_memory()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "big.bin");
        using (var f = File.Create(file))
        {
            var chunk = new byte[1024 * 1024];
            for (var i = 0; i < 50; i++)
            {
                Random.Shared.NextBytes(chunk);
                f.Write(chunk);
            }
        }
        var (code, stdout, stderr) = FreshProcess.Run($$"""
            Import-Module $ModuleManifestPath
            function hwm { [long](([IO.File]::ReadAllLines('/proc/self/status') | Where-Object { $_ -like 'VmHWM*' }) -replace '\D', '') * 1024 }
            $null = Send-Mail -SmtpServer 127.0.0.1 -Port {{_smtp.PlainPort}} -Security None -From a@example.com -To b@example.com -Subject warm -Body b
            [GC]::Collect()
            $before = hwm
            $m = Send-Mail -SmtpServer 127.0.0.1 -Port {{_smtp.PlainPort}} -Security None -From a@example.com -To b@example.com -Subject big -Body b -Attachment '{{file}}' -PassThru
            'grew {0} size {1}' -f ((hwm) - $before), $m.SizeBytes
            """, timeoutSec: 120);
        Assert.True(code == 0, stdout + stderr);
        var line = stdout.Split('\n').Single(l => l.StartsWith("grew ", StringComparison.Ordinal)).Split(' ');
        var grew = long.Parse(line[1], System.Globalization.CultureInfo.InvariantCulture);
        var size = long.Parse(line[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(size > 50L * 1024 * 1024, $"message size {size}");
        // Held in memory even once would raise the peak by 50 MB or more (base64 makes it 70 MB).
        Assert.True(grew < 40L * 1024 * 1024, $"peak memory grew by {grew / 1048576} MB while sending a 50 MB attachment");
    }
}
