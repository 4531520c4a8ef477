using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using PSNetTools.Http;
using PSNetTools.Servers;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Http;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in DisposeAsync (IAsyncLifetime).")]
public sealed class HttpFileServerTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private HttpFileServer _server = null!;
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private byte[] _big = [];

    public async Task InitializeAsync()
    {
        var root = Path.Combine(_dir.Path, "www");
        Directory.CreateDirectory(Path.Combine(root, "docs"));
        Directory.CreateDirectory(Path.Combine(root, "empty <dir>"));
        File.WriteAllText(Path.Combine(root, "docs", "index.html"), "<h1>docs</h1>");
        File.WriteAllText(Path.Combine(root, "<script>alert(1)&.txt"), "x");
        // A sparse 5 GB file: ranges beyond 2^32 must work without the file ever being read into memory.
        using (var huge = File.Create(Path.Combine(root, "huge.iso"))) huge.SetLength(5_000_000_000);
        _big = new byte[3_000_000];
        Random.Shared.NextBytes(_big);
        File.WriteAllBytes(Path.Combine(root, "big.bin"), _big);
        File.WriteAllText(Path.Combine(_dir.Path, "secret.txt"), "outside");
        File.CreateSymbolicLink(Path.Combine(root, "leak.txt"), Path.Combine(_dir.Path, "secret.txt"));
        _server = await HttpFileServer.StartAsync(new HttpFileServerOptions { Root = root, Port = 0 });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _client.Dispose();
        _dir.Dispose();
    }

    private string Url(string path) => _server.Endpoint + path.TrimStart('/');

    [Fact]
    public async Task Serves_files_with_type_length_etag_and_304()
    {
        using var first = await _client.GetAsync(Url("docs/index.html"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/html", first.Content.Headers.ContentType!.MediaType);
        Assert.Equal(13, first.Content.Headers.ContentLength);
        var etag = first.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, Url("docs/index.html"));
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await _client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        using var since = new HttpRequestMessage(HttpMethod.Get, Url("docs/index.html"));
        since.Headers.IfModifiedSince = first.Content.Headers.LastModified;
        Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(since)).StatusCode);
    }

    [Fact]
    public async Task Ranges_give_206_and_416()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url("big.bin"));
        request.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var partial = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("bytes 1000-1999/3000000", partial.Content.Headers.ContentRange!.ToString());
        Assert.Equal(_big.AsSpan(1000, 1000).ToArray(), await partial.Content.ReadAsByteArrayAsync());

        using var beyond = new HttpRequestMessage(HttpMethod.Get, Url("big.bin"));
        beyond.Headers.Range = new RangeHeaderValue(5_000_000, null);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, (await _client.SendAsync(beyond)).StatusCode);

        Assert.Equal(_big, await _client.GetByteArrayAsync(Url("big.bin")));
    }

    [Fact]
    public async Task Multi_gigabyte_files_are_served_by_range_without_buffering()
    {
        using var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Url("huge.iso")));
        Assert.Equal(5_000_000_000, head.Content.Headers.ContentLength);
        using var request = new HttpRequestMessage(HttpMethod.Get, Url("huge.iso"));
        request.Headers.Range = new RangeHeaderValue(4_999_999_990, null);
        using var tail = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
        Assert.Equal("bytes 4999999990-4999999999/5000000000", tail.Content.Headers.ContentRange!.ToString());
        Assert.Equal(new byte[10], await tail.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_index_listing_redirect_and_method_checks()
    {
        using var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Url("big.bin")));
        Assert.Equal(3_000_000, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        Assert.Equal("<h1>docs</h1>", await _client.GetStringAsync(Url("docs/")));
        using var slashless = await _client.GetAsync(Url("docs"));
        Assert.Equal(HttpStatusCode.MovedPermanently, slashless.StatusCode);

        var listing = await _client.GetStringAsync(Url("/"));
        Assert.Contains("&lt;script&gt;alert(1)&amp;.txt", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", listing, StringComparison.Ordinal);
        Assert.Contains("href=\"%3Cscript%3Ealert%281%29%26.txt\"", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("leak.txt", listing, StringComparison.Ordinal); // a link leading outside is not listed

        using var post = await _client.PostAsync(Url("big.bin"), new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(Url("nope.txt"))).StatusCode);
    }

    [Theory]
    [InlineData("/../secret.txt")]
    [InlineData("/%2e%2e/secret.txt")]
    [InlineData("/docs%2f..%2f..%2fsecret.txt")]
    [InlineData("/..%5csecret.txt")]
    [InlineData("/leak.txt")]
    public async Task Traversal_is_forbidden_over_the_wire(string rawPath)
    {
        // A raw request line: HttpClient would normalise the path before sending it.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _server.Port);
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes($"GET {rawPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        // Read the whole answer (Connection: close), however the kernel splits it.
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(10))) > 0) received.Write(buffer, 0, n);
        var head = System.Text.Encoding.ASCII.GetString(received.ToArray());
        Assert.StartsWith("HTTP/1.1 403", head, StringComparison.Ordinal);
        Assert.DoesNotContain("outside", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_thousand_clients_at_once_and_stalled_ones_do_not_stop_it()
    {
        var stalled = Enumerable.Range(0, 20).Select(_ => new TcpClient()).ToList();
        foreach (var s in stalled) await s.ConnectAsync(IPAddress.Loopback, _server.Port); // connect, say nothing
        using var many = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1000, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => many.GetAsync(Url("docs/index.html"))));
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var r in results) r.Dispose();
        foreach (var s in stalled) s.Dispose();
        Assert.Equal(nameof(ServerState.Running), _server.State);
        Assert.True(_server.RequestsServed >= 1000);
    }

    [Fact]
    public async Task Stop_frees_the_port_and_a_taken_port_is_named()
    {
        var port = _server.Port;
        var ex = await Assert.ThrowsAsync<ServerStartException>(() => HttpFileServer.StartAsync(new HttpFileServerOptions { Root = _dir.Path, Port = port }));
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        await _server.StopAsync();
        await using var again = await HttpFileServer.StartAsync(new HttpFileServerOptions { Root = _dir.Path, Port = port });
        Assert.Equal(nameof(ServerState.Running), again.State);
        Assert.Contains("127.0.0.1", again.Endpoint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_access_log_records_requests()
    {
        await _client.GetAsync(Url("big.bin?x=1"));
        var watch = Stopwatch.StartNew();
        while (!_server.GetLog().Any(l => l.Contains("\"GET /big.bin?x=1 HTTP/1.1\" 200 3000000", StringComparison.Ordinal)) && watch.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(20);
        Assert.Contains(_server.GetLog(), l => l.Contains("\"GET /big.bin?x=1 HTTP/1.1\" 200 3000000", StringComparison.Ordinal));
    }
}
