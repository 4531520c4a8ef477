namespace PSNetTools.Testing;

/// <summary>The certificates of tests/peers/certs.sh, generated once per test process into a temp directory.</summary>
public static class TestCertificates
{
    private static readonly Lazy<string> Generated = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"psnt-certs-{Environment.ProcessId}");
        PeerProcess.Require("openssl");
        PeerProcess.Run("bash", $"{Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "certs.sh")} {dir}");
        // One directory per test process, gone with it (each run left one behind in /tmp).
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(dir, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        };
        return dir;
    });

    public static string Directory => Generated.Value;

    public static string File(string name) => Path.Combine(Directory, name);
}

/// <summary>nginx serving the four test certificates (tests/peers/nginx/tls.conf.template) on free ports.</summary>
public sealed class TlsNginx : IDisposable
{
    private readonly PeerProcess _nginx;
    private readonly TempDir _prefix = new();

    public TlsNginx()
    {
        SelfSignedPort = Loopback.FreeTcpPort();
        ExpiredPort = Loopback.FreeTcpPort();
        WrongHostPort = Loopback.FreeTcpPort();
        ChainPort = Loopback.FreeTcpPort();
        System.IO.Directory.CreateDirectory(Path.Combine(_prefix.Path, "tmp"));
        var template = System.IO.File.ReadAllText(Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "nginx", "tls.conf.template"));
        var config = template.Replace("@PREFIX@", _prefix.Path, StringComparison.Ordinal)
            .Replace("@CERTS@", TestCertificates.Directory, StringComparison.Ordinal)
            .Replace("@SELFPORT@", SelfSignedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@EXPIREDPORT@", ExpiredPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@WRONGPORT@", WrongHostPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@CHAINPORT@", ChainPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var conf = Path.Combine(_prefix.Path, "nginx.conf");
        System.IO.File.WriteAllText(conf, config);
        _nginx = PeerProcess.Start("nginx", $"-p {_prefix.Path} -c {conf}", ChainPort);
        foreach (var port in new[] { SelfSignedPort, ExpiredPort, WrongHostPort })
        {
            using var probe = new System.Net.Sockets.TcpClient();
            probe.Connect("127.0.0.1", port);
        }
    }

    public int SelfSignedPort { get; }

    public int ExpiredPort { get; }

    public int WrongHostPort { get; }

    public int ChainPort { get; }

    public void Dispose()
    {
        _nginx.Dispose();
        _prefix.Dispose();
    }
}

/// <summary>nginx serving python3-doc and the test endpoints (tests/peers/nginx/http.conf.template) on free ports.</summary>
public sealed class WebNginx : IDisposable
{
    public const string DocRoot = "/usr/share/doc/python3.11/html";
    private readonly PeerProcess _nginx;
    private readonly TempDir _prefix = new();

    public WebNginx()
    {
        if (!System.IO.Directory.Exists(DocRoot)) Assert.Fail($"{DocRoot} is missing: run 'sudo bash tests/peers/install.sh' (it installs python3-doc).");
        Port = Loopback.FreeTcpPort();
        TlsPort = Loopback.FreeTcpPort();
        System.IO.Directory.CreateDirectory(Path.Combine(_prefix.Path, "tmp"));
        using (var big = System.IO.File.Create(Path.Combine(_prefix.Path, "big.bin"))) big.SetLength(100L * 1024 * 1024); // sparse
        System.IO.File.WriteAllBytes(Path.Combine(_prefix.Path, "binary.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(65536));
        var peers = Path.Combine(PeerProcess.RepoRoot, "tests", "peers");
        var config = System.IO.File.ReadAllText(Path.Combine(peers, "nginx", "http.conf.template"))
            .Replace("@PREFIX@", _prefix.Path, StringComparison.Ordinal)
            .Replace("@CERTS@", TestCertificates.Directory, StringComparison.Ordinal)
            .Replace("@DOCROOT@", DocRoot, StringComparison.Ordinal)
            .Replace("@SITE@", Path.Combine(peers, "web"), StringComparison.Ordinal)
            .Replace("@TLSPORT@", TlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@PORT@", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var conf = Path.Combine(_prefix.Path, "nginx.conf");
        System.IO.File.WriteAllText(conf, config);
        _nginx = PeerProcess.Start("nginx", $"-p {_prefix.Path} -c {conf}", Port);
    }

    public int Port { get; }

    public int TlsPort { get; }

    public string BaseUri => $"http://127.0.0.1:{Port}";

    public string TlsBaseUri => $"https://localhost:{TlsPort}";

    public void Dispose()
    {
        _nginx.Dispose();
        _prefix.Dispose();
    }
}
