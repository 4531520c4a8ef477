using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PSNetTools.Testing.Mail;

/// <summary>
/// Real mail servers for a test run, on free loopback ports in a private temp dir: Dovecot (IMAP with STARTTLS,
/// IMAPS, POP3 with STLS, POP3S, LMTP; user tester/secret, Maildir) and the aiosmtpd peer that relays into it over
/// LMTP (plain without AUTH; STARTTLS with AUTH required; implicit TLS with AUTH). Certificates are generated with
/// openssl for CN=localhost / IP 127.0.0.1 and are self-signed, so clients must skip validation or fail it.
/// </summary>
public sealed class MailPeers : IDisposable
{
    public const string User = "tester";
    public const string Password = "secret";

    private static readonly object SharedLock = new();
    private static MailPeers? _shared;
    private readonly List<PeerProcess> _processes = [];

    private MailPeers()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("psnt-mail-").FullName;
        // Dovecot's unprivileged login and mail processes must traverse the dir.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Directory, (UnixFileMode)0b111_101_101);
    }

    public string Directory { get; }
    public string CertificatePath => Path.Combine(Directory, "certs", "server.crt");
    public string MaildirPath => Path.Combine(Directory, "mail", User, "Maildir");
    public int ImapPort { get; private set; }
    public int ImapsPort { get; private set; }
    public int Pop3Port { get; private set; }
    public int Pop3sPort { get; private set; }
    public int LmtpPort { get; private set; }
    public int SmtpPlainPort { get; private set; }
    public int SmtpStartTlsPort { get; private set; }
    public int SmtpTlsPort { get; private set; }

    /// <summary>One set per test process, started on first use (Dovecot takes about a second): tests that share it must use unique subjects.</summary>
    public static MailPeers Shared
    {
        get
        {
            lock (SharedLock)
            {
                if (_shared is null)
                {
                    _shared = Start();
                    // Nothing else disposes the shared set: without this, Dovecot and the SMTP peer outlived every test run.
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => _shared.Dispose();
                }
                return _shared;
            }
        }
    }

    /// <summary>A private set, for tests that need an empty mailbox.</summary>
    public static MailPeers Start()
    {
        var peers = new MailPeers();
        try
        {
            peers.StartAll();
        }
        catch
        {
            peers.Dispose();
            throw;
        }
        return peers;
    }

    /// <summary>Messages currently in tester's INBOX (new + cur), read from disk.</summary>
    public int MessageCount() =>
        System.IO.Directory.GetFiles(Path.Combine(MaildirPath, "new")).Length + System.IO.Directory.GetFiles(Path.Combine(MaildirPath, "cur")).Length;

    /// <summary>Drops a raw RFC 5322 message into the INBOX through Dovecot's LMTP (as an MTA would).</summary>
    public void Deliver(string rawMessage)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, LmtpPort);
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream);
        using var writer = new StreamWriter(stream) { NewLine = "\r\n", AutoFlush = true };
        Expect(reader, "220");
        writer.WriteLine("LHLO test");
        while (reader.ReadLine() is { } line && !line.StartsWith("250 ", StringComparison.Ordinal)) { }
        writer.WriteLine("MAIL FROM:<sender@example.com>");
        Expect(reader, "250");
        writer.WriteLine("RCPT TO:<tester>");
        Expect(reader, "250");
        writer.WriteLine("DATA");
        Expect(reader, "354");
        foreach (var line in rawMessage.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            writer.WriteLine(line.StartsWith('.') ? "." + line : line);
        }
        writer.WriteLine(".");
        Expect(reader, "250");
        writer.WriteLine("QUIT");
    }

    private static void Expect(StreamReader reader, string code)
    {
        var line = reader.ReadLine();
        if (line is null || !line.StartsWith(code, StringComparison.Ordinal)) throw new InvalidOperationException($"LMTP: expected {code}, got '{line}'");
    }

    private void StartAll()
    {
        var dovecot = PeerProcess.Require("dovecot");
        PeerProcess.Require("openssl");
        if (!File.Exists("/usr/lib/python3/dist-packages/aiosmtpd/__init__.py"))
        {
            Assert.Fail("The peer 'python3-aiosmtpd' is not installed: run 'sudo bash tests/peers/install.sh' (it installs dovecot-imapd, dovecot-pop3d, dovecot-lmtpd and python3-aiosmtpd).");
        }
        var templates = Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "mail");

        var certs = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "certs")).FullName;
        Run("openssl", $"req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout {certs}/server.key -out {certs}/server.crt");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(certs, "server.key"), (UnixFileMode)0b110_100_100);

        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "dovecot"));
        foreach (var sub in new[] { "cur", "new", "tmp" }) System.IO.Directory.CreateDirectory(Path.Combine(MaildirPath, sub));
        Run("chown", $"-R 5000:5000 {Path.Combine(Directory, "mail")}");

        var ports = FreePorts(8);
        (ImapPort, ImapsPort, Pop3Port, Pop3sPort, LmtpPort) = (ports[0], ports[1], ports[2], ports[3], ports[4]);
        (SmtpPlainPort, SmtpStartTlsPort, SmtpTlsPort) = (ports[5], ports[6], ports[7]);
        string Render(string text) => text
            .Replace("@DIR@", Directory, StringComparison.Ordinal)
            .Replace("@INSTANCE@", Path.GetFileName(Directory), StringComparison.Ordinal)
            .Replace("@IMAP_PORT@", ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@IMAPS_PORT@", ImapsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@POP3_PORT@", Pop3Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@POP3S_PORT@", Pop3sPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@LMTP_PORT@", LmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var conf = Path.Combine(Directory, "dovecot", "dovecot.conf");
        File.WriteAllText(conf, Render(File.ReadAllText(Path.Combine(templates, "dovecot.conf.template"))));
        File.WriteAllText(Path.Combine(Directory, "dovecot", "users"), Render(File.ReadAllText(Path.Combine(templates, "users.template"))));

        _processes.Add(PeerProcess.Start(dovecot, $"-F -c {conf}", ImapPort, Directory));
        foreach (var port in new[] { ImapsPort, Pop3Port, Pop3sPort, LmtpPort }) WaitTcp(port);
        _processes.Add(PeerProcess.Start("/usr/bin/python3",
            $"{Path.Combine(templates, "smtpd_peer.py")} {certs}/server.crt {certs}/server.key {LmtpPort} {SmtpPlainPort} {SmtpStartTlsPort} {SmtpTlsPort}",
            SmtpPlainPort, Directory));
        foreach (var port in new[] { SmtpStartTlsPort, SmtpTlsPort }) WaitTcp(port);
    }

    private static int[] FreePorts(int count)
    {
        // Hold every listener until all are chosen so the same port is not handed out twice.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }

    private static void WaitTcp(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static void Run(string command, string arguments)
    {
        var psi = new ProcessStartInfo(PeerProcess.Require(command), arguments) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(30000) || p.ExitCode != 0) throw new InvalidOperationException($"{command} {arguments} failed: {err.Result}");
    }

    public void Dispose()
    {
        for (var i = _processes.Count - 1; i >= 0; i--) _processes[i].Dispose();
        _processes.Clear();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
