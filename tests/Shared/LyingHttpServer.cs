using System.Net.Sockets;
using System.Text.Json;

namespace PSNetTools.Testing;

/// <summary>
/// tests/peers/hostile/lying_http_server.py on three loopback listeners: the hostile server on 127.0.0.1, another
/// host (127.0.0.2) and another port of 127.0.0.1. All three record the headers of what they receive (see Seen).
/// </summary>
public sealed class LyingHttpServer : IDisposable
{
    private readonly PeerProcess _process;

    /// <param name="robotsTo">Where /robots.txt redirects, built from the ports (null: robots.txt is a 404).</param>
    /// <param name="linksPerPage">How many unique links each page under /p/ holds.</param>
    /// <param name="tls">Also an https listener (TlsBaseUri) with the self-signed test certificate.</param>
    public LyingHttpServer(Func<LyingHttpServer, string>? robotsTo = null, int linksPerPage = 1000, bool tls = false)
    {
        Port = Loopback.FreeTcpPort();
        OtherHostPort = Loopback.FreeTcpPort();
        OtherPort = Loopback.FreeTcpPort();
        TlsPort = tls ? Loopback.FreeTcpPort() : 0;
        var script = Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "hostile", "lying_http_server.py");
        var robots = robotsTo is null ? "" : $"--robots-to={robotsTo(this)} ";
        var https = tls ? $"--tls=127.0.0.1:{TlsPort} --cert={TestCertificates.File("selfsigned.crt")} --key={TestCertificates.File("selfsigned.key")} " : "";
        // The main listener last: once it answers, the others are bound too.
        _process = PeerProcess.Start("python3", $"{script} {robots}{https}--links-per-page={linksPerPage} 127.0.0.2:{OtherHostPort} 127.0.0.1:{OtherPort} 127.0.0.1:{Port}", Port);
        WaitFor("127.0.0.2", OtherHostPort);
        if (tls) WaitFor("127.0.0.1", TlsPort);
    }

    /// <summary>The https listener (with tls: true), same routes; the certificate is self-signed.</summary>
    public int TlsPort { get; }

    public string TlsBaseUri => $"https://127.0.0.1:{TlsPort}";

    public int Port { get; }

    public int OtherHostPort { get; }

    public int OtherPort { get; }

    /// <summary>The hostile server itself.</summary>
    public string BaseUri => $"http://127.0.0.1:{Port}";

    /// <summary>The recorder on another host.</summary>
    public string OtherHostUri => $"http://127.0.0.2:{OtherHostPort}";

    /// <summary>The recorder on another port of the same host.</summary>
    public string OtherPortUri => $"http://127.0.0.1:{OtherPort}";

    /// <summary>A URI of the hostile server that redirects to <paramref name="target"/>.</summary>
    public string RedirectTo(string target, int status = 302) => $"{BaseUri}/redirect?status={status}&to={Uri.EscapeDataString(target)}";

    /// <summary>Every request received so far: listener ("127.0.0.2:port"), path, method, headers and time.</summary>
    public IReadOnlyList<SeenRequest> Seen()
    {
        using var client = new HttpClient();
        var json = client.GetStringAsync(BaseUri + "/_seen").GetAwaiter().GetResult();
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.EnumerateArray().Select(e => new SeenRequest(
            e.GetProperty("listener").GetString()!,
            e.GetProperty("path").GetString()!,
            e.GetProperty("method").GetString()!,
            e.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase),
            e.GetProperty("time").GetDouble()))];
    }

    public void Dispose() => _process.Dispose();

    private static void WaitFor(string address, int port)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(address, port);
                return;
            }
            catch (SocketException) when (i < 100)
            {
                Thread.Sleep(50);
            }
        }
    }
}

/// <param name="Time">When the server got it, in Unix seconds.</param>
public sealed record SeenRequest(string Listener, string Path, string Method, IReadOnlyDictionary<string, string> Headers, double Time = 0);
