using System.Diagnostics;
using System.Globalization;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Servers;

/// <summary>
/// The attacks that killed or bloated the user's session (issue 10 items 4, 5, 7, 8), against servers started by the
/// built module in a child process: the process must live, its memory stay bounded, and it must go on answering.
/// </summary>
[Collection(ChildProcessesUnderAttack.Name)]
public sealed class HostileClientProcessTests
{
    private static string P(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static void Answers(ServerProcess server, string path = "/a.txt")
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };
        using var response = client.GetAsync($"http://127.0.0.1:{server.Port}{path}").GetAwaiter().GetResult();
        Assert.True(server.IsAlive, server.Output);
        Assert.True((int)response.StatusCode < 500, $"{response.StatusCode}");
    }

    [Fact]
    public void Twenty_thousand_idle_connections_do_not_kill_the_session_and_those_over_the_cap_get_503()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "a.txt"), "a");
        using var server = ServerProcess.Start($"Start-HttpFileServer -Path '{dir.Path}' -Port 0");
        var before = server.RssMb;
        // Two clients of 10,000: one process may open 20,000 descriptors here. They hold 15 s before counting (under the
        // 30 s header timeout): on a loaded machine the server takes seconds to accept, and close, the 10,000 over its cap. The module before issue 10 died at this
        // count ("Out of memory.", exit 134, its descriptors spent); at 12,000 it still lived.
        using var first = HostilePeer.Start("http_client.py", "idle", "127.0.0.1", P(server.Port), "10000", "15");
        using var second = HostilePeer.Start("http_client.py", "idle", "127.0.0.1", P(server.Port), "10000", "15");
        var opened = new[] { first.ReadJson(120), second.ReadJson(120) };
        Assert.True(server.IsAlive, server.Output);
        Assert.Equal(20000, opened.Sum(o => o.GetProperty("open").GetInt32() + o.GetProperty("failed").GetInt32()));
        var rss = server.RssMb;
        // HttpListener died near 20,000; idle connections here hold no buffer (zero-byte reads).
        Assert.True(rss - before < 400, $"RSS grew from {before:0} to {rss:0} MB");
        var closed = first.ReadJson(60).GetProperty("closed_by_server").GetInt32() + second.ReadJson(60).GetProperty("closed_by_server").GetInt32();
        // Those over the 10,000 cap were answered 503 and closed at once. On a loaded machine some connects of the two
        // clients fail (a full backlog; CI saw 1,587): what the server holds is what matters, 10,000 at most.
        var open = opened.Sum(o => o.GetProperty("open").GetInt32());
        Assert.True(open >= 15000, $"only {open} connections opened: too few to reach the descriptor count that killed the old module");
        Assert.InRange(open - closed, 9000, 10050);
        Assert.True(server.IsAlive, server.Output);
        Answers(server);
    }

    [Fact]
    public void A_session_whose_open_file_limit_is_below_MaxConnections_refuses_connections_instead_of_dying()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "a.txt"), "a");
        using var server = ServerProcess.Start($"Start-HttpFileServer -Path '{dir.Path}' -Port 0");
        // Over the budget the HTTP servers answer 503 and close.
        OpenFileLimit.FloodUnder1024(server);
        Answers(server);
    }

    [Theory]
    [InlineData("Start-HttpFileServer -Path '{0}' -Port 0", "/a.txt")]
    [InlineData("Start-HttpServer -Port 0 -Route @{{ 'GET /' = {{ 'a' }} }}", "/")]
    [InlineData("Start-XmlRpcServer -Port 0 -Method @{{ echo = {{ param($x) $x }} }}", "/RPC2")]
    public void A_100_MB_request_line_is_refused_at_8_KB_and_costs_no_memory(string start, string path)
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "a.txt"), "a");
        using var server = ServerProcess.Start(string.Format(CultureInfo.InvariantCulture, start, dir.Path));
        var before = server.RssMb;
        var seen = HostilePeer.Run("http_client.py", 120, "longline", "127.0.0.1", P(server.Port), "100000000");
        Assert.Equal(414, seen.GetProperty("status").GetInt32());
        Assert.True(server.RssMb - before < 50, $"RSS grew from {before:0} to {server.RssMb:0} MB");
        // A GET to the XML-RPC path is a 405: answered, which is what matters here.
        Answers(server, path);
    }

    [Fact]
    public void A_download_reset_after_64_KB_stops_costing_cpu_at_once()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "a.txt"), "a");
        // Sparse: 20 GB that cost nothing to read, so only the sending loop costs CPU.
        using (var huge = File.Create(Path.Combine(dir.Path, "huge.bin"))) huge.SetLength(20L * 1024 * 1024 * 1024);
        using var server = ServerProcess.Start($"Start-HttpFileServer -Path '{dir.Path}' -Port 0");
        using (var tcp = new System.Net.Sockets.TcpClient())
        {
            tcp.Connect(System.Net.IPAddress.Loopback, server.Port);
            // Host as a browser sends it (HttpListener, before issue 10, answered another Host 404).
            tcp.GetStream().Write(System.Text.Encoding.ASCII.GetBytes($"GET /huge.bin HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\n\r\n"));
            var buffer = new byte[65536];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = tcp.GetStream().Read(buffer, read, buffer.Length - read);
                if (n == 0) break;
                read += n;
            }
            Assert.Equal(buffer.Length, read);
            tcp.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        }
        Thread.Sleep(1000);
        var cpu = server.CpuSeconds;
        Thread.Sleep(5000);
        // Before: a core kept streaming to the client that had gone (measured 4.2 s of CPU in 5 s, for over 60 s).
        Assert.True(server.CpuSeconds - cpu < 1.5, $"{server.CpuSeconds - cpu:0.00} s of CPU in the 5 s after the reset");
        Answers(server);
    }

    [Fact]
    public void A_600_MB_chunked_body_to_the_xmlrpc_server_is_refused_at_10_MB()
    {
        using var server = ServerProcess.Start("Start-XmlRpcServer -Port 0 -Method @{ echo = { param($x) $x } }");
        var before = server.RssMb;
        var seen = HostilePeer.Run("http_client.py", 120, "chunks", "127.0.0.1", P(server.Port), "/RPC2", "600", "1048576");
        Assert.Contains("larger than 10,485,760 bytes", seen.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.True(server.RssMb - before < 100, $"RSS grew from {before:0} to {server.RssMb:0} MB");
        Assert.True(server.IsAlive, server.Output);
    }
}

/// <summary>Child-process attacks run one at a time: thousands of sockets each, and their memory is measured.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChildProcessesUnderAttack
{
    public const string Name = "Child processes under attack";
}
