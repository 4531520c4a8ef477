using System.Net;
using System.Net.Sockets;
using System.Text;
using PSNetTools.Http;

namespace PSNetTools.Engine.Tests.Http;

/// <summary>
/// The route server's matching and automatic answers, held to what Flask (Werkzeug 2.2) does; the same requests go
/// to the seed's Flask app side by side in tests/PSNetTools.Tests/Http/FlaskParityTests.cs.
/// </summary>
public class RouteServerFlaskRulesTests
{
    private static RouteTable Table(params string[] keys)
    {
        var t = new RouteTable();
        foreach (var k in keys) t.Add(k);
        return t;
    }

    [Fact]
    public void Paths_match_exactly_case_and_trailing_slash_included()
    {
        var t = Table("GET /api/data", "GET /dir/", "GET /users/{id}");
        Assert.Equal(0, t.Match("GET", "/api/data").Index);
        Assert.Equal(0, t.Match("GET", "/api/d%61ta").Index);
        Assert.Equal(-1, t.Match("GET", "/API/data").Index);
        Assert.Empty(t.Match("GET", "/API/data").Allowed);
        Assert.Equal(-1, t.Match("GET", "/api/data/").Index);
        Assert.Equal(-1, t.Match("GET", "/api//data").Index);
        Assert.Equal(1, t.Match("GET", "/dir/").Index);
        Assert.Equal(-1, t.Match("GET", "/dir").Index);
        Assert.Equal("Bob", t.Match("GET", "/users/Bob").Values["id"]);
        Assert.Equal(-1, t.Match("GET", "/users/").Index);
    }

    [Fact]
    public void Allow_lists_head_with_get_and_options_always_in_order()
    {
        var t = Table("POST /api/user", "PUT /item", "GET /item");
        Assert.Equal(["OPTIONS", "POST"], t.Match("PUT", "/api/user").Allowed);
        Assert.Equal(["GET", "HEAD", "OPTIONS", "PUT"], t.Match("POST", "/item").Allowed);
        Assert.Equal(["GET", "HEAD", "OPTIONS", "PUT"], t.Match("OPTIONS", "/item").Allowed);
        // A route of its own takes OPTIONS.
        var own = Table("GET /x", "OPTIONS /x");
        Assert.Equal(1, own.Match("OPTIONS", "/x").Index);
    }

    [Theory]
    [InlineData("GET", "/dir", "/dir/")]
    [InlineData("GET", "/a//b", "/a/b")]
    [InlineData("GET", "//a//b", "/a/b")]
    [InlineData("GET", "/a//dir", "/a/dir/")]
    [InlineData("POST", "/dir", null)]     // the slashed route takes no POST: Flask answers 404
    [InlineData("GET", "/a/b/", null)]     // a slash the route has not is not taken away
    [InlineData("GET", "/nope", null)]
    public void Redirects_follow_flasks_slash_rule(string method, string path, string? target) =>
        Assert.Equal(target, Table("GET /dir/", "GET /a/b", "GET /a/dir/").RedirectFor(method, path));

    [Fact]
    public void Routes_differing_in_case_are_two_routes_and_empty_segments_are_refused()
    {
        var t = Table("GET /a", "GET /A");
        Assert.Equal((0, 1), (t.Match("GET", "/a").Index, t.Match("GET", "/A").Index));
        Assert.Throws<ArgumentException>(() => t.Add("GET /a"));
        Assert.Contains("empty segment", Assert.Throws<ArgumentException>(() => t.Add("GET /x//y")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("param=a&param=b", "param=a|param=b")]
    [InlineData("Param=a&param=b", "Param=a|param=b")]
    [InlineData("flag&param=&&param=b", "flag=|param=|param=b")]
    [InlineData("param=%E4%BD%A0+x&a%3Db=c=d", "param=你 x|a=b=c=d")]
    [InlineData("bad=%FF", "bad=\uFFFD")]
    [InlineData("", "")]
    public void Query_strings_split_as_werkzeug_splits_them(string query, string pairs) =>
        Assert.Equal(pairs, string.Join("|", QueryString.Parse(query).Select(p => $"{p.Key}={p.Value}")));

    [Fact]
    public async Task Options_redirects_and_the_first_query_value_are_answered_by_the_server()
    {
        RouteRequest? seen = null;
        await using var server = await Start(r => seen = r, "GET /api/data", "GET /dir/");
        var options = await Raw(server.Port, "OPTIONS /api/data HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", options, StringComparison.Ordinal);
        Assert.Contains("\r\nAllow: GET, HEAD, OPTIONS\r\n", options, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Length: 0\r\n", options, StringComparison.Ordinal);
        var redirect = await Raw(server.Port, "GET /dir?x=1&y=2 HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 308 Permanent Redirect\r\n", redirect, StringComparison.Ordinal);
        Assert.Contains("\r\nLocation: /dir/?x=1&y=2\r\n", redirect, StringComparison.Ordinal);
        Assert.Null(seen);
        await Raw(server.Port, "GET /api/data?param=a&param=b&Param=c HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.NotNull(seen);
        Assert.Equal(("a", null), (seen.Query["param"], seen.Query["PARAM"]));
        Assert.Equal(["a", "b"], (string[])seen.QueryValues["param"]!);
        Assert.Equal(["param", "Param"], seen.Query.Keys.Cast<string>());
    }

    [Theory]
    [InlineData("POST /api/data HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", 413)]
    [InlineData("GET /api/data HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n", 400)]
    [InlineData("POST /api/data HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501)]
    public async Task Refusals_of_the_http_layer_are_json_errors_too(string request, int status)
    {
        await using var server = await Start(_ => { }, "POST /api/data");
        var answer = await Raw(server.Port, request);
        Assert.StartsWith($"HTTP/1.1 {status} ", answer, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/json; charset=utf-8\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith($",\"status\":{status}}}", answer, StringComparison.Ordinal);
        Assert.Contains("{\"error\":\"", answer, StringComparison.Ordinal);
    }

    private static async Task<RouteServer> Start(Action<RouteRequest> seen, params string[] keys) =>
        await RouteServer.StartAsync(new RouteServerOptions
        {
            Routes = Table(keys),
            Port = 0,
            MaximumBodyBytes = 1024,
            Dispatch = (_, request, _) =>
            {
                seen(request);
                return Task.FromResult(new RouteResult(Encoding.UTF8.GetBytes("ok"), "text/plain"));
            },
        });

    /// <summary>One request as written, the whole answer as text (the server closes or the answer is complete).</summary>
    private static async Task<string> Raw(int port, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var answer = new StringBuilder();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var text = answer.ToString();
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0 && System.Text.RegularExpressions.Regex.Match(text, "\r\nContent-Length: (\\d+)\r\n") is { Success: true } m
                && text.Length - end - 4 >= int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            {
                return text;
            }
            var n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0) return text;
            answer.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
    }
}
