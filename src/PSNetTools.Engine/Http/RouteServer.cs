using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using PSNetTools.Http.Hosting;
using PSNetTools.Servers;

namespace PSNetTools.Http;

/// <summary>
/// Start-HttpServer: requests routed by "METHOD /path" to handlers (PowerShell scriptblocks, run by the cmdlet layer).
/// Paths match as in Flask (exact, case-sensitive, Flask's slash redirects); unknown paths get 404, known paths with
/// another method 405 with Allow (OPTIONS 200 with Allow), malformed JSON bodies 400, handlers that throw 500 with a
/// JSON error and no stack trace, handlers that run past the timeout 503. Every error body is JSON, also the refusals
/// of the HTTP layer underneath (413, 414, 431...).
/// </summary>
public sealed class RouteServer : SocketHttpServer
{
    private static readonly byte[] Empty = [];
    private readonly RouteServerOptions _options;

    public RouteServer(RouteServerOptions options)
        : base("HttpRoutes", options?.Name, options?.Address ?? IPAddress.Loopback, options?.Port ?? 0, options?.Limits, options?.MaximumBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>The routes served, as given ("GET /", "POST /api/user"...).</summary>
    public string Routes => string.Join("; ", _options.Routes.Keys);

    /// <exception cref="ServerStartException">The port is in use or the address is not on this machine.</exception>
    public static async Task<RouteServer> StartAsync(RouteServerOptions options, CancellationToken cancellationToken = default)
    {
        var server = new RouteServer(options);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    protected override async Task ServeAsync(HttpServerContext context, CancellationToken stopping)
    {
        var request = context.Request;
        var response = context.Response;
        var (status, body, type, headers) = await HandleAsync(request, stopping).ConfigureAwait(false);
        (status, body, type, headers) = Checked(request, status, body, type, headers);
        response.StatusCode = status;
        foreach (var h in headers) response.SetHeader(h.Key, h.Value);
        if (body.Length > 0 || (status != 204 && type.Length > 0)) response.ContentType = type;
        response.ContentLength64 = body.Length;
        if (body.Length > 0) await response.OutputStream.WriteAsync(body, stopping).ConfigureAwait(false);
    }

    /// <summary>A status or header the handler set that HTTP cannot carry turns the answer into a 500, logged with the reason.</summary>
    private (int Status, byte[] Body, string Type, List<DictionaryEntryLike> Headers) Checked(
        HttpServerRequest request, int status, byte[] body, string type, List<DictionaryEntryLike> headers)
    {
        string? problem = null;
        if (status is < 100 or > 599) problem = string.Create(CultureInfo.InvariantCulture, $"the handler set status {status}; an HTTP status is a number from 100 to 599");
        else if (headers.FirstOrDefault(h => !HttpTokens.IsToken(h.Key)) is { Key: not null } badName) problem = $"the handler set a header named '{badName.Key}', which is not a valid header name";
        else if (headers.FirstOrDefault(h => !HttpTokens.IsFieldValue(h.Value)) is { Key: not null } badValue) problem = $"the handler set header '{badValue.Key}' to a value with a line break or another control character";
        else if (!HttpTokens.IsFieldValue(type)) problem = "the handler set a content type with a line break or another control character";
        if (problem is null) return (status, body, type, headers);
        Log($"{request.HttpMethod} {request.Path}: {problem}; answered 500.");
        CountClientError();
        return Error(500, "Internal Server Error: the handler's answer is not valid HTTP (see the server log).");
    }

    private async Task<(int Status, byte[] Body, string Type, List<DictionaryEntryLike> Headers)> HandleAsync(HttpServerRequest http, CancellationToken stopping)
    {
        var path = http.Path;
        var (index, values, allowed) = _options.Routes.Match(http.HttpMethod, path);
        if (index < 0) return Unrouted(http, allowed);
        string raw;
        try
        {
            raw = await ReadBodyAsync(http, stopping).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == 413)
        {
            // Answered here, in this server's JSON shape; the connection closes after it since the body was not read.
            return Error(413, ex.Message);
        }
        var request = new RouteRequest
        {
            Method = http.HttpMethod,
            Path = path,
            RawBody = raw,
            ContentType = http.ContentType ?? "",
            RemoteEndPoint = http.RemoteEndPoint.ToString(),
        };
        foreach (var group in QueryString.Parse(http.QueryText).GroupBy(p => p.Key, p => p.Value, StringComparer.Ordinal))
        {
            request.Query[group.Key] = group.First();
            request.QueryValues[group.Key] = group.ToArray();
        }
        foreach (var key in http.Headers.AllKeys)
        {
            if (key is not null) request.Headers[key] = http.Headers[key];
        }
        foreach (var (k, v) in values) request.RouteValues[k] = v;
        try
        {
            request.Body = RequestBody.Parse(raw, request.ContentType);
        }
        catch (JsonException ex)
        {
            return Error(400, $"The body is not valid JSON: {ex.Message}");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_options.RequestTimeout);
        RouteResult result;
        try
        {
            result = await _options.Dispatch(index, request, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            Log($"{http.HttpMethod} {path}: the handler ran past {_options.RequestTimeout.TotalSeconds:0.###} s and was stopped.");
            return Error(503, $"The handler did not finish within {_options.RequestTimeout.TotalSeconds:0.###} s (the server's handler timeout).");
        }
        catch (HandlerLimitException ex)
        {
            Log($"{http.HttpMethod} {path}: {ex.Message}");
            CountClientError();
            return Error(500, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The client learns that it failed, not how: the details go to the server's log.
            Log($"{http.HttpMethod} {path}: the handler failed: {ex.Message}");
            CountClientError();
            return Error(500, "Internal Server Error");
        }
        var headers = request.Response.Headers.Keys.Cast<object>().Select(k => new DictionaryEntryLike(k.ToString()!, request.Response.Headers[k]?.ToString() ?? "")).ToList();
        var body = result.Body;
        var statusCode = request.Response.StatusCode;
        if (body is null) return (statusCode == 200 ? 204 : statusCode, Empty, "", headers);
        return (statusCode, body, request.Response.ContentType ?? result.ContentType, headers);
    }

    /// <summary>
    /// A request no route takes, answered as Flask answers it: OPTIONS on a routed path 200 with Allow, another method
    /// 405 with Allow; an unknown path 308 to the path Flask's slash rule gives (RouteTable.RedirectFor), else 404.
    /// </summary>
    private (int Status, byte[] Body, string Type, List<DictionaryEntryLike> Headers) Unrouted(HttpServerRequest http, IReadOnlyList<string> allowed)
    {
        var path = http.Path;
        if (allowed.Count > 0)
        {
            var allow = new DictionaryEntryLike("Allow", string.Join(", ", allowed));
            if (http.HttpMethod == "OPTIONS") return (200, Empty, "", [allow]);
            var refused = Error(405, $"{http.HttpMethod} is not allowed on {path}.");
            refused.Headers.Add(allow);
            return refused;
        }
        if (_options.Routes.RedirectFor(http.HttpMethod, path) is { } target)
        {
            // A relative Location (RFC 9110 section 10.2.2): the Host header is the client's word, not worth echoing.
            var location = http.QueryText.Length == 0 ? target : target + "?" + http.QueryText;
            return (308, Empty, "", [new DictionaryEntryLike("Location", location)]);
        }
        return Error(404, $"No route for {http.HttpMethod} {path}.");
    }

    protected override (byte[] Body, string ContentType) RefusalBody(int status, string message)
    {
        var (_, body, type, _) = Error(status, message);
        return (body, type);
    }

    private static async Task<string> ReadBodyAsync(HttpServerRequest http, CancellationToken stopping)
    {
        using var reader = new StreamReader(http.InputStream, http.ContentEncoding ?? Encoding.UTF8);
        return await reader.ReadToEndAsync(stopping).ConfigureAwait(false);
    }

    private static (int Status, byte[] Body, string Type, List<DictionaryEntryLike> Headers) Error(int status, string message) =>
        (status, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["error"] = message, ["status"] = status }), "application/json; charset=utf-8", []);

    private readonly record struct DictionaryEntryLike(string Key, string Value);
}
