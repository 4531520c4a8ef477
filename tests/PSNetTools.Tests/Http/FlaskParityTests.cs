using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Http;

/// <summary>
/// Start-HttpServer side by side with the seed tutorial's Flask app (tests/peers/web/flask_app.py, Debian's Flask
/// 2.2): the same requests to both, comparing status, Allow, the kind of content and the body's shape. Where the module
/// answers otherwise on purpose, the test says what each side answers (docs/conformance.md, "HTTP routes: Flask").
/// </summary>
public sealed partial class FlaskParityTests : IClassFixture<FlaskParityTests.Servers>
{
    // The Flask app's routes, as Start-HttpServer routes: the tutorial's three as its help gives them, then the probes.
    private const string Routes = """
        'GET /'          = { 'Hello, World!' }
        'GET /api/data'  = { param($Request) @{ status = 'success'; param = $Request.Query['param'] ?? 'default'; data = 1..5 } }
        'POST /api/user' = { param($Request) @{ status = 'success'; message = "已创建用户: $($Request.Body.name)"; user_id = 123 } }
        'GET /probe/args' = { param($Request) @{ first = $Request.Query['param']; all = @($Request.QueryValues['param']); keys = @($Request.Query.Keys) } }
        'POST /probe/json' = $json
        'PUT /probe/json' = $json
        'POST /probe/echo' = { param($Request) $Request.Body }
        'GET /probe/dir/' = { 'dir' }
        'GET /probe/item' = { param($Request) @{ method = $Request.Method } }
        'PUT /probe/item' = { param($Request) @{ method = $Request.Method } }
        'GET /probe/conv/<int:n>' = { param($Request) @{ int = $Request.RouteValues['n'] } }
        'GET /probe/conv/<float:x>' = { param($Request) @{ float = $Request.RouteValues['x'] } }
        'GET /probe/conv/<name>' = { param($Request) @{ string = $Request.RouteValues['name'] } }
        'GET /probe/id/<uuid:u>' = { param($Request) @{ uuid = "$($Request.RouteValues['u'])" } }
        'GET /probe/files/<path:rest>' = { param($Request) @{ path = $Request.RouteValues['rest'] } }
        """;

    private const string JsonProbe = """
        $json = { param($Request)
            $b = $Request.Body
            $t = if ($null -eq $b) { 'NoneType' } elseif ($b -is [array]) { 'list' } elseif ($b -is [int]) { 'int' } elseif ($b -is [string]) { 'str' } else { 'dict' }
            @{ type = $t; value = $b } }
        """;

    private readonly Servers _servers;

    public FlaskParityTests(Servers servers) => _servers = servers;

    public sealed class Servers : IDisposable
    {
        private readonly PeerProcess _flask;

        public Servers()
        {
            RequireFlask();
            var port = Loopback.FreeTcpPort();
            _flask = PeerProcess.Start(Python, $"tests/peers/web/flask_app.py {port}", port);
            Flask = new Uri($"http://127.0.0.1:{port}/");
            Ours = new Uri((string)Ps.Run($"{JsonProbe}\n(Start-HttpServer -Port 0 -Route @{{ {Routes} }}).Endpoint").One().BaseObject);
        }

        public Uri Flask { get; }

        public Uri Ours { get; }

        public HttpClient Client { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(20) };

        public void Dispose()
        {
            Client.Dispose();
            Ps.Run($"Get-NetServer | Where-Object Endpoint -eq '{Ours}' | Stop-NetServer");
            _flask.Dispose();
        }
    }

    // Debian's python3 has python3-flask (tests/peers/install.sh); a python3 earlier on PATH may not.
    private const string Python = "/usr/bin/python3";

    private static void RequireFlask()
    {
        using var check = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(PeerProcess.Require(Python), "-c \"import flask\"") { RedirectStandardError = true });
        check!.WaitForExit(30_000);
        if (check.ExitCode != 0) Assert.Fail("Flask is not installed for /usr/bin/python3: run 'sudo bash tests/peers/install.sh' (Debian's python3-flask).");
    }

    /// <summary>What the comparison looks at: status, Allow (as a sorted set), the kind of body, its shape, and where a redirect goes.</summary>
    private sealed record Answer(int Status, string Allow, string Kind, string Shape, string Location);

    public static TheoryData<string, string, string?, string?> SameAnswers => new()
    {
        { "GET", "/api/data", null, null },
        { "GET", "/api/data?param=x", null, null },
        { "GET", "/api/data?param=a&param=b", null, null },       // the first value (was "a,b")
        { "GET", "/api/data?PARAM=a", null, null },               // query names are case-sensitive
        { "GET", "/API/DATA", null, null },                       // paths are case-sensitive: 404
        { "GET", "/api/data/", null, null },                      // a slash the route has not: 404
        { "GET", "/nope", null, null },
        { "POST", "/api/user", "{\"name\":\"张三\"}", "application/json" },
        { "POST", "/api/user", "{bad", "application/json" },    // 400
        { "PUT", "/api/user", null, null },                       // PUT without a body: 405, Allow: OPTIONS, POST
        { "GET", "/api/user", null, null },
        { "HEAD", "/api/user", null, null },
        { "DELETE", "/", null, null },                            // Allow: GET, HEAD, OPTIONS
        { "OPTIONS", "/", null, null },                           // 200 with Allow (was 405)
        { "OPTIONS", "/api/user", null, null },
        { "OPTIONS", "/nope", null, null },
        { "GET", "/probe/args?param=a&param=b", null, null },     // every value where asked
        { "GET", "/probe/args?Param=a&param=b", null, null },     // two names, in the order sent
        { "GET", "/probe/args?flag&param=&param=b", null, null },
        { "GET", "/probe/args?param=%E4%BD%A0+x", null, null },
        { "POST", "/probe/json", "null", "application/json" },    // null reaches the handler as $null
        { "POST", "/probe/json", "[]", "application/json" },      // [] as an empty array
        { "PUT", "/probe/json", "[]", "application/json" },
        { "POST", "/probe/json", "{\"a\":[]}", "application/json" },
        { "POST", "/probe/json", "0", "application/json" },
        { "POST", "/probe/echo", "null", "application/json" },    // a handler's $null answers null (was 204)
        { "POST", "/probe/echo", "[1,2]", "application/json" },
        { "POST", "/probe/echo", "{\"a\":[]}", "application/json" },
        { "GET", "/probe/dir/", null, null },
        { "GET", "/probe/dir", null, null },                      // Flask's slash rule: 308 to /probe/dir/
        { "GET", "/probe/dir?x=1", null, null },                  // ... keeping the query
        { "GET", "/api//data", null, null },                      // repeated slashes: 308 to /api/data
        { "POST", "/probe/dir", null, null },                     // the slashed route takes no POST: 404
        { "PUT", "/probe/item", null, null },                     // PUT without a body reaches its route
        { "POST", "/probe/item", null, null },                    // Allow: GET, HEAD, OPTIONS, PUT
        { "OPTIONS", "/probe/item", null, null },
        { "GET", "/probe/conv/42", null, null },                  // <int:n>: the number 42 (was a literal segment: 404)
        { "GET", "/probe/conv/1.5", null, null },                 // <float:x>
        { "GET", "/probe/conv/-1", null, null },                  // no int: the string route
        { "GET", "/probe/conv/1e3", null, null },                 // no float either
        { "GET", "/probe/conv/%E4%BD%A0", null, null },           // a decoded string
        { "GET", "/probe/id/0b6ee1b4-6c55-4f83-9b7a-2d1c3a1e9f00", null, null },
        { "GET", "/probe/id/not-a-uuid", null, null },            // 404
        { "GET", "/probe/files/a/b%20c/d.txt", null, null },      // <path:rest>: slashes included
        { "GET", "/probe/files/", null, null },                   // an empty path: 404
    };

    [Theory]
    [MemberData(nameof(SameAnswers))]
    public async Task Answers_as_flask_does(string method, string target, string? body, string? type)
    {
        var flask = await Send(_servers.Flask, method, target, body, type);
        var ours = await Send(_servers.Ours, method, target, body, type);
        Assert.Equal(flask.Answer, ours.Answer);
        // The help promises JSON errors: every error of ours is {"error": ..., "status": N} as application/json.
        if (ours.Answer.Status >= 400 && method != "HEAD") Assert.Equal(("application/json", $"error {ours.Answer.Status}"), (ours.MediaType, ours.Answer.Shape));
    }

    [Fact]
    public async Task Differences_are_the_documented_ones()
    {
        // A string is text/plain, not Flask's text/html: a PowerShell handler has no auto-escaping templates, so
        // "Hello $name" from the query would be a script injection as HTML. The body is the same.
        var (flask, ours) = await Both("GET", "/", null, null);
        Assert.Equal(("text/html", "Hello, World!"), (flask.MediaType, flask.Answer.Shape));
        Assert.Equal(("text/plain", "Hello, World!"), (ours.MediaType, ours.Answer.Shape));

        // No body: Flask's 400 comes from request.json in the handler; here the handler runs with $Request.Body $null
        // (the route, not the server, knows whether it needs a body), so the tutorial's handler answers as written.
        (flask, ours) = await Both("POST", "/api/user", null, null);
        Assert.Equal((400, "error 400"), (flask.Answer.Status, flask.Answer.Shape));
        Assert.Equal((200, """{"message":"已创建用户: ","status":"success","user_id":123}"""), (ours.Answer.Status, ours.Answer.Shape));

        // JSON without a JSON Content-Type: Flask 2.2 refuses it in request.json; here a body that starts with '{' is read as JSON.
        (flask, ours) = await Both("POST", "/api/user", "{\"name\":\"x\"}", null);
        Assert.Equal(400, flask.Answer.Status);
        Assert.Equal((200, """{"message":"已创建用户: x","status":"success","user_id":123}"""), (ours.Answer.Status, ours.Answer.Shape));

        // null and [] reach both handlers (/probe/json); the tutorial's data.get('name') then raises in Python, while
        // PowerShell's $null.name is $null.
        foreach (var json in new[] { "null", "[]" })
        {
            (flask, ours) = await Both("POST", "/api/user", json, "application/json");
            Assert.Equal((500, "error 500"), (flask.Answer.Status, flask.Answer.Shape));
            Assert.Equal((200, """{"message":"已创建用户: ","status":"success","user_id":123}"""), (ours.Answer.Status, ours.Answer.Shape));
        }

        // A PowerShell pipeline unrolls arrays: echoing [] writes nothing (204) and [7] writes 7; ,$Request.Body keeps them whole.
        (flask, ours) = await Both("POST", "/probe/echo", "[]", "application/json");
        Assert.Equal(((200, "[]"), (204, "")), ((flask.Answer.Status, flask.Answer.Shape), (ours.Answer.Status, ours.Answer.Shape)));
        (flask, ours) = await Both("POST", "/probe/echo", "[7]", "application/json");
        Assert.Equal(("[7]", "7"), (flask.Answer.Shape, ours.Answer.Shape));
    }

    private async Task<(Sent Flask, Sent Ours)> Both(string method, string target, string? body, string? type) =>
        (await Send(_servers.Flask, method, target, body, type), await Send(_servers.Ours, method, target, body, type));

    private sealed record Sent(Answer Answer, string MediaType);

    private async Task<Sent> Send(Uri server, string method, string target, string? body, string? type)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(server, target));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (type is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        using var response = await _servers.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var media = response.Content.Headers.ContentType?.MediaType ?? "";
        var status = (int)response.StatusCode;
        var allow = string.Join(", ", response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        // Flask's Location is absolute (from the Host header), ours relative: the same place on each server. The kind of
        // an error's or a redirect's body is not compared: Flask's are HTML pages, ours JSON (checked apart).
        var location = response.Headers.Location is { } l ? new Uri(server, l).PathAndQuery : "";
        var kind = text.Length == 0 ? "none" : media.EndsWith("json", StringComparison.Ordinal) ? "json" : "text";
        return new Sent(new Answer(status, allow, status >= 300 ? "" : kind, Shape(status, media, text), location), media);
    }

    /// <summary>A body as it can be compared: JSON with sorted keys, errors as "error N" (Flask's HTML page or our JSON), redirects' bodies left out.</summary>
    private static string Shape(int status, string media, string text)
    {
        if (status is >= 300 and < 400) return "";
        if (media.EndsWith("json", StringComparison.Ordinal) && text.Length > 0)
        {
            var node = JsonNode.Parse(text);
            if (status >= 400 && node is JsonObject error && error.ContainsKey("error") && error["status"]?.GetValue<int>() == status) return $"error {status}";
            return Canonical(node);
        }
        if (status >= 400 && media == "text/html" && ErrorTitle().Match(text) is { Success: true } m && m.Groups[1].Value == status.ToString(System.Globalization.CultureInfo.InvariantCulture)) return $"error {status}";
        return text;
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
    };

    [GeneratedRegex("<title>(\\d{3}) ")]
    private static partial Regex ErrorTitle();
}
