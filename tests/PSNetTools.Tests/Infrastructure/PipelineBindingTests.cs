using PSNetTools.Testing;
using PSNetTools.Testing.Mail;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Infrastructure;

/// <summary>Issue 12 item 8: pipelines users type that did not bind, and wildcards in file parameters.</summary>
public sealed class PipelineBindingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_byte_array_from_the_pipeline_binds_to_InputObject_of_Send_TcpMessage_and_Send_UdpMessage()
    {
        var r = Ps.Run("""
            $tcp = Start-TcpEchoServer -Port 0
            $udp = Start-UdpEchoServer -Port 0
            (,[byte[]](1, 2, 3) | Send-TcpMessage -ComputerName 127.0.0.1 -Port $tcp.Port -ReadTimeoutSec 2).GetBytes() -join ','
            (,[byte[]](4, 5) | Send-UdpMessage -ComputerName 127.0.0.1 -Port $udp.Port -ReadTimeoutSec 2).GetBytes() -join ','
            $tcp, $udp | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.Equal(["1,2,3", "4,5"], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Piped_lines_are_the_messages_when_the_host_is_given_and_the_hosts_when_the_message_is()
    {
        // Before, piped text could bind only to -ComputerName: with a host given, "Parameter set cannot be resolved".
        var r = Ps.Run("""
            $tcp = Start-TcpEchoServer -Port 0
            $udp = Start-UdpEchoServer -Port 0
            'hello', 'world' | Send-TcpMessage 127.0.0.1 -Port $tcp.Port -ReadTimeoutSec 2 | ForEach-Object Text
            'one' | Send-UdpMessage 127.0.0.1 -Port $udp.Port -ReadTimeoutSec 2 | ForEach-Object Text
            '127.0.0.1', '127.0.0.1' | Send-TcpMessage -Port $tcp.Port -Message 'to each' -ReadTimeoutSec 2 | ForEach-Object { "$($_.ComputerName) $($_.Text)" }
            [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $tcp.Port; Message = 'record' } | Send-TcpMessage -ReadTimeoutSec 2 | ForEach-Object Text
            try { '127.0.0.1' | Send-TcpMessage -Port $tcp.Port -ReadTimeoutSec 2 -ErrorAction Stop } catch { $_.FullyQualifiedErrorId; $_.ErrorDetails.RecommendedAction }
            $tcp.BytesReceived
            $tcp, $udp | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.Equal(["hello", "world", "one", "127.0.0.1 to each", "127.0.0.1 to each", "record"], r.Output.Take(6).Select(o => o.BaseObject.ToString()));
        // A piped string with neither -ComputerName nor -Message bound to both: it is refused before anything is sent.
        Assert.StartsWith("PipedTextAmbiguous,", r.Output[6].BaseObject.ToString(), StringComparison.Ordinal);
        Assert.Contains("-ComputerName", r.Output[7].BaseObject.ToString(), StringComparison.Ordinal);
        Assert.Equal("30", r.Output[8].BaseObject.ToString());
    }

    [Fact]
    public void Records_with_Uri_and_Message_bind_to_Send_WebSocketMessage_without_prompting()
    {
        var r = Ps.Run("""
            $a = Start-WebSocketEchoServer -Port 0
            $b = Start-WebSocketEchoServer -Port 0
            [pscustomobject]@{ Uri = "ws://127.0.0.1:$($a.Port)/"; Message = 'hi' },
            [pscustomobject]@{ Uri = "ws://127.0.0.1:$($a.Port)/"; Message = 'again' },
            [pscustomobject]@{ Uri = "ws://127.0.0.1:$($b.Port)/"; Message = 'other' },
            [pscustomobject]@{ Uri = "http://127.0.0.1:$($b.Port)/"; Message = 'bad scheme' } |
                Send-WebSocketMessage -TimeoutSec 10 | ForEach-Object { "$($_.Received)@$(([uri]$_.Uri).Port -eq $b.Port)" }
            "a:$($a.ConnectionsAccepted) b:$($b.ConnectionsAccepted)"
            $a, $b | Stop-NetServer
            """);
        Assert.Equal(["hi@False", "again@False", "other@True", "a:1 b:1"], r.Output.Select(o => o.BaseObject.ToString()));
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("UnsupportedScheme", e.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_Scrape_Path_expands_wildcards_reports_no_match_and_LiteralPath_takes_brackets_as_typed()
    {
        foreach (var (name, title) in new[] { ("a.html", "A"), ("b.html", "B"), ("p[1].html", "P1"), ("x.txt", "X") })
        {
            File.WriteAllText(Path.Combine(_dir.Path, name), $"<html><head><title>{title}</title></head><body></body></html>");
        }
        Directory.CreateDirectory(Path.Combine(_dir.Path, "dir.html"));
        var r = Ps.Run($$"""
            $null = $ExecutionContext.SessionState.Path.SetLocation('{{_dir.Path}}')
            (Invoke-Scrape -Path ./[ab].html, ./nothing*.html).Title -join ','
            (Invoke-Scrape -LiteralPath './p[1].html').Title
            ('a.html', 'b.html', 'p[1].html' | ForEach-Object { [IO.FileInfo]::new("{{_dir.Path}}/$_") } | Invoke-Scrape).Title -join ','
            """);
        Assert.Equal(["A,B", "P1", "A,B,P1"], r.Output.Select(o => o.BaseObject));
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("FileNotFound", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("nothing*.html", e.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Send_Mail_Attachment_expands_wildcards_reports_no_match_and_LiteralAttachment_takes_brackets_as_typed()
    {
        var peers = MailPeers.Shared;
        foreach (var name in new[] { "r1.txt", "r2.txt", "q[1].txt" }) File.WriteAllText(Path.Combine(_dir.Path, name), name);
        Directory.CreateDirectory(Path.Combine(_dir.Path, "sub.txt"));
        var r = Ps.Run($$"""
            $null = $ExecutionContext.SessionState.Path.SetLocation('{{_dir.Path}}')
            $common = @{ SmtpServer = '127.0.0.1'; Port = {{peers.SmtpPlainPort}}; Security = 'None'; From = 'me@example.com'; To = 'tester@example.com'; Body = 'x'; PassThru = $true }
            (Send-Mail @common -Subject 'wild {{Guid.NewGuid():N}}' -Attachment ./r*.txt).AttachmentCount
            (Send-Mail @common -Subject 'literal {{Guid.NewGuid():N}}' -LiteralAttachment './q[1].txt').AttachmentCount
            ([IO.FileInfo]::new('{{_dir.Path}}/q[1].txt') | Send-Mail @common -Subject 'piped {{Guid.NewGuid():N}}').AttachmentCount
            Send-Mail @common -Subject 'none {{Guid.NewGuid():N}}' -Attachment ./missing*.pdf
            'end'
            """);
        Assert.Equal(["2", "1", "1", "end"], r.Output.Select(o => o.BaseObject.ToString()));
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("MailAttachmentNotFound", e.FullyQualifiedErrorId, StringComparison.Ordinal);
    }
}
