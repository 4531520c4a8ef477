using System.Net;
using System.Text;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Servers;

/// <summary>Start-HttpServer as the tutorial's Flask example, checked with HttpClient and curl from outside the runspace.</summary>
public sealed class StartHttpServerTests : IDisposable
{
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(20) };

    public void Dispose() => _client.Dispose();

    private static string Start(string routes, string extra = "") =>
        (string)Ps.Run($"(Start-HttpServer -Port 0 {extra} -Route @{{ {routes} }}).Endpoint").One().BaseObject;

    private static void Stop(string endpoint) => Ps.Run($"Get-NetServer | Where-Object Endpoint -eq '{endpoint}' | Stop-NetServer").AssertNoErrors();

    [Fact]
    public async Task The_flask_example()
    {
        var url = Start("""
            'GET /'          = { 'Hello, World!' }
            'GET /api/data'  = { param($Request) @{ status = 'success'; param = $Request.Query['param'] ?? 'default'; data = 1..5 } }
            'POST /api/user' = { param($Request) @{ status = 'success'; message = "已创建用户: $($Request.Body.name)"; user_id = 123 } }
            """);
        try
        {
            Assert.Equal("Hello, World!", await _client.GetStringAsync(url));
            var data = System.Text.Json.JsonDocument.Parse(await _client.GetStringAsync(url + "api/data")).RootElement;
            Assert.Equal("default", data.GetProperty("param").GetString());
            Assert.Equal([1, 2, 3, 4, 5], data.GetProperty("data").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal("x", System.Text.Json.JsonDocument.Parse(await _client.GetStringAsync(url + "api/data?param=x")).RootElement.GetProperty("param").GetString());
            using var post = await _client.PostAsync(url + "api/user", new StringContent("{\"name\":\"张三\"}", Encoding.UTF8, "application/json"));
            var user = System.Text.Json.JsonDocument.Parse(await post.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(("已创建用户: 张三", 123), (user.GetProperty("message").GetString(), user.GetProperty("user_id").GetInt32()));
            Assert.Equal("application/json", post.Content.Headers.ContentType!.MediaType);
        }
        finally
        {
            Stop(url);
        }
    }

    [Fact]
    public async Task Errors_are_answered_with_json_and_no_stack_trace()
    {
        var url = Start("""
            'GET /boom'       = { throw 'secret detail at C:\inside' }
            'GET /hang'       = { while ($true) { } }
            'POST /echo'      = { param($Request) $Request.Body }
            'GET /users/{id}' = { $Request.Response.StatusCode = 201; $Request.Response.Headers['X-Id'] = $Request.RouteValues['id']; @{ id = [int]$Request.RouteValues['id'] } }
            'GET /nothing'    = { }
            """, "-TimeoutSec 3");
        try
        {
            using var boom = await _client.GetAsync(url + "boom");
            var text = await boom.Content.ReadAsStringAsync();
            Assert.Equal((HttpStatusCode.InternalServerError, "{\"error\":\"Internal Server Error\",\"status\":500}"), (boom.StatusCode, text));
            using var notFound = await _client.GetAsync(url + "nope");
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
            using var wrongMethod = await _client.DeleteAsync(url + "echo");
            Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
            Assert.Equal(["OPTIONS", "POST"], wrongMethod.Content.Headers.Allow.Order(StringComparer.Ordinal));
            using var badJson = await _client.PostAsync(url + "echo", new StringContent("{bad", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
            using var echo = await _client.PostAsync(url + "echo", new StringContent("{\"a\":{\"b\":[1,2]}}", Encoding.UTF8, "application/json"));
            Assert.Equal("{\"a\":{\"b\":[1,2]}}", await echo.Content.ReadAsStringAsync());
            using var created = await _client.GetAsync(url + "users/7");
            Assert.Equal((HttpStatusCode.Created, "7", "{\"id\":7}"), (created.StatusCode, created.Headers.GetValues("X-Id").Single(), await created.Content.ReadAsStringAsync()));
            using var nothing = await _client.GetAsync(url + "nothing");
            Assert.Equal(HttpStatusCode.NoContent, nothing.StatusCode);
            // The server is still fine after all that, and the details went to its log, not to the client.
            Assert.Equal("{\"id\":1}", await _client.GetStringAsync(url + "users/1"));
            var log = Ps.Run($"(Get-NetServer | Where-Object Endpoint -eq '{url}').GetLog()");
            Assert.Contains(log.Output, o => o.BaseObject.ToString()!.Contains("secret detail", StringComparison.Ordinal));
            // Last, because the stopped handler's runspace is busy for a moment and a new one would have to be opened.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using var hang = await _client.GetAsync(url + "hang");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, hang.StatusCode);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8));
        }
        finally
        {
            Stop(url);
        }
    }

    [Fact]
    public async Task Handlers_run_concurrently_and_survive_a_thousand_clients()
    {
        // Not Start-Sleep: the test host has no Microsoft.PowerShell.Utility module, and a handler's missing command is
        // an error record that fails the call (issue 10 item 18) instead of going unnoticed.
        // Each handler answers when it ran; overlapping runs show concurrency without a wall-clock limit, which a loaded
        // CI machine missed (8 × 0.5 s in 3.2 s).
        var url = Start("'GET /slow' = { $from = [DateTime]::UtcNow.Ticks; [Threading.Thread]::Sleep(500); '{0}-{1}' -f $from, [DateTime]::UtcNow.Ticks }; 'GET /fast' = { 'ok' }", "-ThrottleLimit 8");
        try
        {
            var slow = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _client.GetStringAsync(url + "slow")));
            var runs = slow.Select(s => s.Split('-').Select(long.Parse).ToArray()).ToList();
            var mostAtOnce = runs.Max(r => runs.Count(o => o[0] < r[1] && r[0] < o[1]));
            Assert.True(mostAtOnce >= 2, $"no two of 8 handlers ran at the same time: {string.Join(", ", slow)}");
            using var many = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1000 }) { Timeout = TimeSpan.FromSeconds(120) };
            var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => many.GetStringAsync(url + "fast")));
            Assert.All(answers, a => Assert.Equal("ok", a));
        }
        finally
        {
            Stop(url);
        }
    }

    [Theory]
    [InlineData("@{ 'GET /' = 42 }", "RouteNotScriptBlock")]
    [InlineData("@{ 'GET /' = 'if (' }", "HandlerNotParsable")]
    [InlineData("@{ 'FETCH /' = { 1 } }", "InvalidRoute")]
    [InlineData("@{ '/' = { 1 } }", "InvalidRoute")]
    public void Bad_routes_are_clear_errors(string routes, string errorId)
    {
        var r = Ps.Run($"Start-HttpServer -Port 0 -Route {routes}", timeoutSec: 20);
        Assert.StartsWith(errorId, Assert.Single(r.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void Curl_as_a_client()
    {
        var url = Start("'POST /form' = { param($Request) \"hello $($Request.Body['name'])\" }");
        try
        {
            var curl = PSNetTools.Testing.PeerProcess.Require("curl");
            var psi = new System.Diagnostics.ProcessStartInfo(curl) { RedirectStandardOutput = true };
            foreach (var a in new[] { "-s", "-d", "name=李四", url + "form" }) psi.ArgumentList.Add(a);
            using var p = System.Diagnostics.Process.Start(psi)!;
            Assert.Equal("hello 李四", p.StandardOutput.ReadToEnd());
        }
        finally
        {
            Stop(url);
        }
    }
}
