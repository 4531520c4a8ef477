using System.Net.Sockets;
using PSNetTools.Testing.Mail;

namespace PSNetTools.Engine.Tests.Mail;

public class MailPeersTests
{
    [Fact]
    public void Every_peer_listens_and_greets_on_its_own_free_port()
    {
        using var peers = MailPeers.Start();
        Assert.StartsWith("* OK", Greeting(peers.ImapPort), StringComparison.Ordinal);
        Assert.StartsWith("+OK", Greeting(peers.Pop3Port), StringComparison.Ordinal);
        Assert.StartsWith("220", Greeting(peers.LmtpPort), StringComparison.Ordinal);
        Assert.StartsWith("220", Greeting(peers.SmtpPlainPort), StringComparison.Ordinal);
        Assert.StartsWith("220", Greeting(peers.SmtpStartTlsPort), StringComparison.Ordinal);
        Assert.True(File.Exists(peers.CertificatePath));
    }

    [Fact]
    public void Lmtp_delivery_lands_in_the_maildir()
    {
        using var peers = MailPeers.Start();
        peers.Deliver("From: a@example.com\r\nTo: tester@example.com\r\nSubject: fixture\r\n\r\nhello\r\n");
        Assert.Equal(1, peers.MessageCount());
    }

    private static string Greeting(int port)
    {
        using var client = new TcpClient();
        client.Connect("127.0.0.1", port);
        client.ReceiveTimeout = 10000;
        using var reader = new StreamReader(client.GetStream());
        return reader.ReadLine() ?? "";
    }
}
