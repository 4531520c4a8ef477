using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using PSNetTools.Engine.Servers;

namespace PSNetTools.Engine.Http;

/// <summary>
/// Start-HttpServer: requests routed by "METHOD /path" to handlers (PowerShell scriptblocks, run by the cmdlet layer).
/// Unknown paths get 404, known paths with another method 405 with Allow, malformed JSON bodies 400, handlers that
/// throw 500 with a JSON error and no stack trace, handlers that run past the timeout 503.
/// </summary>
public sealed class RouteServer : HttpListenerServer
{
    private static readonly byte[] Empty = [];
    private readonly RouteServerOptions _options;

    public RouteServer(RouteServerOptions options)
        : base("HttpRoutes", options?.Name, options?.Address ?? IPAddress.Loopback, options?.Port ?? 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>The routes served, as given ("GET /", "POST /api/user"...).</summary>
    public string Routes => string.Join("; ", _options.Routes.Keys);

    public static async Task<RouteServer> StartAsync(RouteServerOptions options, CancellationToken cancellationToken = default)
    {
        var server = new RouteServer(options);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    protected override async Task ServeAsync(HttpListenerContext context, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var response = context.Response;
        var status = 500;
        long sent = 0;
        try
        {
            (status, var body, var type, var headers) = await HandleAsync(context.Request, stopping).ConfigureAwait(false);
            response.StatusCode = status;
            foreach (DictionaryEntryLike h in headers) response.Headers[h.Key] = h.Value;
            if (body.Length > 0 || status != 204) response.ContentType = type;
            response.ContentLength64 = body.Length;
            if (context.Request.HttpMethod != "HEAD" && body.Length > 0) await response.OutputStream.WriteAsync(body, stopping).ConfigureAwait(false);
            sent = body.Length;
        }
        catch (Exception ex) when (ex is IOException or HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            CountClientError();
        }
        finally
        {
            CountSent(sent);
            Log(string.Create(CultureInfo.InvariantCulture,
                $"{context.Request.RemoteEndPoint?.Address} [{DateTime.Now:yyyy-MM-dd HH:mm:ss}] \"{context.Request.HttpMethod} {context.Request.RawUrl}\" {status} {sent} {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0}ms"));
        }
    }

    private async Task<(int Status, byte[] Body, string Type, List<DictionaryEntryLike> Headers)> HandleAsync(HttpListenerRequest http, CancellationToken stopping)
    {
        var path = http.Url?.AbsolutePath ?? "/";
        var (index, values, allowed) = _options.Routes.Match(http.HttpMethod, path);
        if (index < 0)
        {
            if (allowed.Count == 0) return Error(404, $"No route for {http.HttpMethod} {path}.");
            var error = Error(405, $"{http.HttpMethod} is not allowed on {path}.");
            error.Headers.Add(new DictionaryEntryLike("Allow", string.Join(", ", allowed)));
            return error;
        }
        if (http.ContentLength64 > _options.MaximumBodyBytes) return Error(413, $"The body is larger than {_options.MaximumBodyBytes:N0} bytes.");
        string raw;
        using (var reader = new StreamReader(http.InputStream, http.ContentEncoding ?? Encoding.UTF8))
        {
            var buffer = new char[(int)Math.Min(_options.MaximumBodyBytes + 1, Math.Max(1024, http.ContentLength64 + 1))];
            var builder = new StringBuilder();
            int n;
            while ((n = await reader.ReadAsync(buffer, stopping).ConfigureAwait(false)) > 0)
            {
                builder.Append(buffer, 0, n);
                if (builder.Length > _options.MaximumBodyBytes) return Error(413, $"The body is larger than {_options.MaximumBodyBytes:N0} bytes.");
            }
            raw = builder.ToString();
        }
        var request = new RouteRequest
        {
            Method = http.HttpMethod,
            Path = path,
            RawBody = raw,
            ContentType = http.ContentType ?? "",
            RemoteEndPoint = http.RemoteEndPoint?.ToString() ?? "",
        };
        foreach (var key in http.QueryString.AllKeys)
        {
            if (key is not null) request.Query[key] = http.QueryString[key];
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
            return Error(503, $"The handler did not finish within {_options.RequestTimeout.TotalSeconds:0.###} s.");
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

    private static (int Status, byte[] Body, string Type, List<DictionaryEntryLike> Headers) Error(int status, string message) =>
        (status, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["error"] = message, ["status"] = status }), "application/json; charset=utf-8", []);

    private readonly record struct DictionaryEntryLike(string Key, string Value);
}
