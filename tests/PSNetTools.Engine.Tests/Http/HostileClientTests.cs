using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PSNetTools.Http;
using PSNetTools.Http.Hosting;
using PSNetTools.Servers;
using PSNetTools.WebSockets;
using PSNetTools.XmlRpc;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Http;

/// <summary>
/// The HTTP servers against the hostile-client kit (tests/peers/hostile/http_client.py): every limit of
/// HttpServerLimits holds, the client learns which one stopped it, and the server goes on serving.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in DisposeAsync (IAsyncLifetime).")]
public sealed class HostileClientTests : IAsyncLifetime
{
    private static readonly HttpServerLimits Fast = new()
    {
        HeaderTimeout = TimeSpan.FromSeconds(2),
        BodyTimeout = TimeSpan.FromSeconds(2),
        MaxConnections = 50,
    };

    private readonly TempDir _dir = new();
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false });
    private HttpFileServer _server = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "a.txt"), "a");
        File.WriteAllText(Path.Combine(_dir.Path, "b.txt"), "bb");
        // Sparse: 20 GB that cost nothing to read.
        using (var huge = File.Create(Path.Combine(_dir.Path, "huge.bin"))) huge.SetLength(20L * 1024 * 1024 * 1024);
        _server = await HttpFileServer.StartAsync(new HttpFileServerOptions { Root = _dir.Path, Port = 0, Limits = Fast });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _client.Dispose();
        _dir.Dispose();
    }

    private string Port => _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task StillServes() => Assert.Equal("a", await _client.GetStringAsync(_server.Endpoint + "a.txt"));

    [Fact]
    public async Task A_100_MB_request_line_is_refused_with_414_after_8_KB()
    {
        var seen = HostilePeer.Run("http_client.py", 60, "longline", "127.0.0.1", Port, "100000000");
        Assert.Equal(414, seen.GetProperty("status").GetInt32());
        // Refused as soon as the line passed 8 KB: the client could not push more than the socket buffers hold.
        Assert.True(seen.GetProperty("sent").GetInt64() < 20_000_000, $"sent {seen.GetProperty("sent")}");
        Assert.Contains(_server.GetLog(), l => l.Contains("414 refused: The request line is longer than 8,192 bytes", StringComparison.Ordinal));
        await StillServes();
    }

    [Fact]
    public async Task Headers_over_32_KB_are_refused_with_431()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.Port);
        var stream = tcp.GetStream();
        var headers = string.Concat(Enumerable.Range(0, 400).Select(i => $"X-Filler-{i}: {new string('v', 100)}\r\n"));
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /a.txt HTTP/1.1\r\nHost: x\r\n{headers}\r\n"));
        var answer = await new StreamReader(stream).ReadLineAsync();
        Assert.Equal("HTTP/1.1 431 Request Header Fields Too Large", answer);
        await StillServes();
    }

    [Fact]
    public async Task A_client_that_sends_headers_slowly_is_closed_at_the_header_timeout_with_408()
    {
        var seen = HostilePeer.Run("http_client.py", 60, "slowheaders", "127.0.0.1", Port, "0.5");
        Assert.Equal(408, seen.GetProperty("status").GetInt32());
        Assert.InRange(seen.GetProperty("seconds").GetDouble(), 1.5, 8);
        await StillServes();
    }

    [Fact]
    public async Task A_body_announced_but_not_sent_is_closed_at_the_body_timeout_with_408()
    {
        await using var rpc = await XmlRpcServer.StartAsync(new XmlRpcServerOptions
        {
            Methods = new Dictionary<string, string> { ["echo"] = "" },
            Dispatch = (_, a, _) => Task.FromResult<object?>(a[0]),
            Port = 0,
            Limits = Fast,
            MaximumBodyBytes = 20_000_000,
        });
        var seen = HostilePeer.Run("http_client.py", 60, "slowbody", "127.0.0.1", rpc.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "/RPC2");
        Assert.Equal(408, seen.GetProperty("status").GetInt32());
        Assert.InRange(seen.GetProperty("seconds").GetDouble(), 1.5, 8);
        Assert.Equal(0, await WaitForIdle(rpc));
    }

    [Fact]
    public async Task A_chunked_body_is_counted_as_it_arrives_and_refused_past_the_limit()
    {
        await using var rpc = await XmlRpcServer.StartAsync(new XmlRpcServerOptions
        {
            Methods = new Dictionary<string, string> { ["echo"] = "" },
            Dispatch = (_, a, _) => Task.FromResult<object?>(a[0]),
            Port = 0,
        });
        var seen = HostilePeer.Run("http_client.py", 60, "chunks", "127.0.0.1", rpc.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "/RPC2", "600", "1048576");
        // The fault names the 10 MB limit, and it came while the client was still sending, not after 600 MB.
        Assert.Contains("larger than 10,485,760 bytes", seen.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.True(seen.GetProperty("sent").GetInt64() < 100L * 1024 * 1024, $"sent {seen.GetProperty("sent")}");
    }

    [Fact]
    public async Task A_download_reset_by_the_client_stops_at_the_first_failed_write_and_logs_what_was_sent()
    {
        var seen = HostilePeer.Run("http_client.py", 60, "resetdownload", "127.0.0.1", Port, "/huge.bin", "65536");
        Assert.True(seen.GetProperty("read").GetInt64() >= 65536);
        Assert.Equal(0, await WaitForIdle(_server));
        var line = _server.GetLog().Single(l => l.Contains("GET /huge.bin", StringComparison.Ordinal));
        Assert.Contains("aborted", line, StringComparison.Ordinal);
        var bytes = long.Parse(line.Split("\" 200 ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(bytes < 100_000_000, line);
    }

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order()
    {
        var seen = HostilePeer.Run("http_client.py", 30, "pipeline", "127.0.0.1", Port, "/a.txt", "/missing", "/b.txt");
        var answers = seen.GetProperty("answers").EnumerateArray().Select(a => (a.GetProperty("status").GetInt32(), a.GetProperty("body").GetString())).ToList();
        Assert.Equal(3, answers.Count);
        Assert.Equal((200, "a"), answers[0]);
        Assert.Equal(404, answers[1].Item1);
        Assert.Equal((200, "bb"), answers[2]);
    }

    [Fact]
    public async Task Connections_over_the_cap_get_503_and_the_server_recovers()
    {
        using (var idle = HostilePeer.Start("http_client.py", "idle", "127.0.0.1", Port, "50", "30"))
        {
            Assert.Equal(50, idle.ReadJson(30).GetProperty("open").GetInt32());
            await WaitFor(() => _server.ActiveConnections == 50);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, _server.Port);
            var line = await new StreamReader(tcp.GetStream()).ReadLineAsync();
            Assert.Equal("HTTP/1.1 503 Service Unavailable", line);
            Assert.True(_server.ConnectionsRefused >= 1);
        }
        Assert.Equal(0, await WaitForIdle(_server));
        await StillServes();
        Assert.Contains(_server.GetLog(), l => l.Contains("the MaxConnections limit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_listing_with_a_name_that_is_not_utf8_still_lists_the_folder()
    {
        var odd = Path.Combine(_dir.Path, "odd");
        Directory.CreateDirectory(odd);
        File.WriteAllText(Path.Combine(odd, "good.txt"), "y");
        // .NET cannot make such a name from a string; Python writes the raw bytes.
        PeerProcess.Run("python3", $"-c \"open(b'{odd}/\\xff\\xfe-bad.txt','w').write('x')\"");
        var page = await _client.GetStringAsync(_server.Endpoint + "odd/");
        Assert.Contains("good.txt", page, StringComparison.Ordinal);
        Assert.Contains("-bad.txt (name not valid UTF-8)", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_websocket_handshake_with_an_invalid_subprotocol_is_answered_400_and_frees_its_socket()
    {
        await using var ws = await WebSocketEchoServer.StartAsync(new WebSocketEchoServerOptions { Port = 0 });
        var seen = HostilePeer.Run("http_client.py", 60, "handshake", "127.0.0.1", ws.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "200", "a(b");
        var answers = seen.GetProperty("answers");
        Assert.Equal(200, answers.GetProperty("HTTP/1.1 400 Bad Request").GetInt32());
        Assert.Equal(0, await WaitForIdle(ws));
        Assert.Contains(ws.GetLog(), l => l.Contains("Sec-WebSocket-Protocol must be a comma-separated list of tokens", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_during_downloads_in_flight_ends_them_without_errors()
    {
        var downloads = Enumerable.Range(0, 5).Select(async _ =>
        {
            using var tcp = new TcpClient();
            var buffer = new byte[64 * 1024];
            try
            {
                // Inside the try: on a loaded CI machine Stop can come before a slow client has written its request,
                // or even before its connect has completed (the server counts a connection once the kernel accepts
                // it), and that write or connect then meets the closed connection (broken pipe, a raw
                // SocketException from the connect), which is the download ending too.
                await tcp.ConnectAsync(IPAddress.Loopback, _server.Port);
                await tcp.GetStream().WriteAsync("GET /huge.bin HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
                // A slow reader (about 3 MB/s against a 20 GB file): the server's writes block while Stop comes, and
                // what the kernel buffered before the reset drains in a few seconds.
                while (await tcp.GetStream().ReadAsync(buffer) > 0) await Task.Delay(20);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
            }
        }).ToList();
        await WaitFor(() => _server.ActiveConnections == 5);
        var watch = Stopwatch.StartNew();
        await _server.StopAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"stop took {watch.Elapsed}");
        await Task.WhenAll(downloads).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(nameof(ServerState.Stopped), _server.State);
        Assert.DoesNotContain(_server.GetLog(), l => l.Contains("Object reference", StringComparison.Ordinal) || l.Contains("internal error", StringComparison.Ordinal));
        using var listener = new TcpListener(IPAddress.Loopback, _server.Port);
        listener.Start();
    }

    [Theory]
    [InlineData("Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "HTTP/1.1 426 Upgrade Required", "Sec-WebSocket-Version: 13")]
    [InlineData("Sec-WebSocket-Version: 13", "HTTP/1.1 400 Bad Request", "Sec-WebSocket-Key must be 16 random bytes")]
    public async Task Rejected_websocket_handshakes_are_answered_at_once(string headers, string status, string detail)
    {
        await using var ws = await WebSocketEchoServer.StartAsync(new WebSocketEchoServerOptions { Port = 0 });
        var answer = await RawAsync(ws.Port, $"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n{headers}\r\n\r\n");
        Assert.StartsWith(status, answer, StringComparison.Ordinal);
        Assert.Contains(detail, answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Whitespace_before_a_header_colon_is_refused_and_every_server_names_itself()
    {
        // RFC 9112 section 5.1: "Transfer-Encoding : chunked" must be rejected (a classic request-smuggling vector).
        var smuggled = await RawAsync(_server.Port, "POST /a.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400 Bad Request", smuggled, StringComparison.Ordinal);
        await using var rpc = await XmlRpcServer.StartAsync(new XmlRpcServerOptions { Methods = new Dictionary<string, string>(), Dispatch = (_, _, _) => Task.FromResult<object?>(null), Port = 0 });
        var answer = await RawAsync(rpc.Port, "GET /RPC2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Assert.Contains("\r\nServer: PSNetTools\r\n", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bytes=0-0,2-2")]
    [InlineData("items=0-1")]
    [InlineData("bytes=0x10-")]
    public async Task Ranges_it_does_not_understand_are_ignored_as_rfc_9110_allows(string range)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Endpoint + "b.txt");
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await _client.SendAsync(request);
        Assert.Equal((HttpStatusCode.OK, "bb"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
    }

    private static async Task<string> RawAsync(int port, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[8192];
        var answer = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int n;
        while ((n = await tcp.GetStream().ReadAsync(buffer, timeout.Token)) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
            if (answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && !answer.ToString().Contains("Content-Length: ", StringComparison.Ordinal)) break;
            if (answer.ToString().Split("\r\n\r\n") is [var head, var body] && head.Split("Content-Length: ") is [_, var len]
                && body.Length >= int.Parse(len.Split("\r\n")[0], System.Globalization.CultureInfo.InvariantCulture)) break;
        }
        return answer.ToString();
    }

    private static async Task<long> WaitForIdle(NetServer server)
    {
        await WaitFor(() => server.ActiveConnections == 0);
        return server.ActiveConnections;
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition() && watch.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
    }
}
