using System.Net;
using System.Net.Sockets;

namespace PSNetTools.Testing.Mail;

/// <summary>
/// npm smtp-server (tests/peers/mail/node) on free ports: the second SMTP implementation, so the Send-Mail tests do
/// not depend on one server's quirks. Messages land as .eml files in <see cref="OutDirectory"/>.
/// </summary>
public sealed class NodeSmtpPeer : IDisposable
{
    private readonly PeerProcess _node;
    private readonly TempDir _dir = new();

    public NodeSmtpPeer()
    {
        var script = Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "mail", "node", "smtp_server.js");
        if (!Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "smtp-server")))
        {
            Assert.Fail("npm smtp-server is missing: run 'sudo bash tests/peers/install.sh' (it runs npm ci in tests/peers/mail/node).");
        }
        OutDirectory = Path.Combine(_dir.Path, "out");
        Directory.CreateDirectory(OutDirectory);
        var ports = new int[4];
        var listeners = Enumerable.Range(0, 4).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        for (var i = 0; i < 4; i++) ports[i] = ((IPEndPoint)listeners[i].LocalEndpoint).Port;
        listeners.ForEach(l => l.Stop());
        (PlainPort, StartTlsPort, TlsPort, IdleDropPort) = (ports[0], ports[1], ports[2], ports[3]);
        var certs = TestCertificates.Directory;
        _node = PeerProcess.Start("node", $"{script} {certs}/leaf-chain.crt {certs}/leaf.key {OutDirectory} {PlainPort} {StartTlsPort} {TlsPort} {IdleDropPort}", TlsPort);
        foreach (var port in new[] { PlainPort, StartTlsPort, IdleDropPort })
        {
            using var probe = new TcpClient();
            probe.Connect(IPAddress.Loopback, port);
        }
    }

    public int PlainPort { get; }

    public int StartTlsPort { get; }

    public int TlsPort { get; }

    /// <summary>Plain SMTP that drops a session idle for half a second.</summary>
    public int IdleDropPort { get; }

    public string OutDirectory { get; }

    public IReadOnlyList<string> Messages() => [.. Directory.GetFiles(OutDirectory, "*.eml").Order().Select(File.ReadAllText)];

    public void Dispose()
    {
        _node.Dispose();
        _dir.Dispose();
    }
}
