using System.Diagnostics;
using System.Globalization;
using System.Net;
using PSNetTools.Http.Hosting;

namespace PSNetTools.Http;

/// <summary>
/// Start-HttpFileServer: python -m http.server done right, on the module's own HTTP server (<see cref="SocketHttpServer"/>).
/// GET and HEAD, Content-Type, Range (206, streamed, so multi-GB files never sit in memory), ETag and Last-Modified
/// with 304, index.html, HTML-escaped directory listings, and no way out of the root (see <see cref="SafePath"/>).
/// </summary>
public sealed class HttpFileServer : SocketHttpServer
{
    private const int CopyBuffer = 64 * 1024;
    private readonly HttpFileServerOptions _options;
    private readonly SmallFileCache _cache = new();
    private string _realRoot = "";

    public HttpFileServer(HttpFileServerOptions options)
        : base("Http", options?.Name, options?.Address ?? IPAddress.Loopback, options?.Port ?? 0, options?.Limits)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    public string Root => _options.Root;

    public bool DirectoryListing => !_options.NoDirectoryListing;

    /// <exception cref="DirectoryNotFoundException">The root is not a folder.</exception>
    /// <exception cref="PSNetTools.Servers.ServerStartException">The port is in use or the address is not on this machine.</exception>
    public static async Task<HttpFileServer> StartAsync(HttpFileServerOptions options, CancellationToken cancellationToken = default)
    {
        var server = new HttpFileServer(options);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    protected override Task BindAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_options.Root)) throw new DirectoryNotFoundException($"'{_options.Root}' is not a folder, so there is nothing to serve.");
        _realRoot = SafePath.RealRoot(_options.Root);
        return base.BindAsync(cancellationToken);
    }

    protected override async Task ServeAsync(HttpServerContext context, CancellationToken stopping)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            if (request.HttpMethod is not ("GET" or "HEAD"))
            {
                response.SetHeader("Allow", "GET, HEAD");
                await SendTextAsync(response, 405, "Method not allowed: this server answers GET and HEAD.\n", request.HttpMethod == "HEAD").ConfigureAwait(false);
                return;
            }
            var rawPath = request.RawUrl ?? "/";
            var path = SafePath.Resolve(_realRoot, rawPath);
            if (path is null)
            {
                await SendTextAsync(response, 403, "Forbidden.\n", request.HttpMethod == "HEAD").ConfigureAwait(false);
                return;
            }
            if (Directory.Exists(path))
            {
                var pathOnly = rawPath.Split('?', '#')[0];
                if (!pathOnly.EndsWith('/'))
                {
                    response.StatusCode = 301;
                    response.RedirectLocation = pathOnly + "/";
                    return;
                }
                var index = Path.Combine(path, "index.html");
                if (File.Exists(index) && SafePath.Resolve(_realRoot, pathOnly + "index.html") is { } safeIndex)
                {
                    await SendFileAsync(context, safeIndex, _cache, stopping).ConfigureAwait(false);
                    return;
                }
                if (_options.NoDirectoryListing)
                {
                    await SendTextAsync(response, 403, "Directory listing is off.\n", request.HttpMethod == "HEAD").ConfigureAwait(false);
                    return;
                }
                await SendListingAsync(response, path, Uri.UnescapeDataString(pathOnly), request.HttpMethod == "HEAD").ConfigureAwait(false);
                return;
            }
            if (!File.Exists(path))
            {
                await SendTextAsync(response, 404, "Not found.\n", request.HttpMethod == "HEAD").ConfigureAwait(false);
                return;
            }
            await SendFileAsync(context, path, _cache, stopping).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException) when (!response.HeadersSent)
        {
            await SendTextAsync(response, 403, "Forbidden.\n", request.HttpMethod == "HEAD").ConfigureAwait(false);
        }
    }

    private static async Task SendFileAsync(HttpServerContext context, string path, SmallFileCache cache, CancellationToken stopping)
    {
        var request = context.Request;
        var response = context.Response;
        var file = new FileInfo(path);
        var length = file.Length;
        var modified = file.LastWriteTimeUtc;
        var etag = string.Create(CultureInfo.InvariantCulture, $"\"{length:x}-{modified.Ticks:x}\"");
        response.SetHeader("ETag", etag);
        response.SetHeader("Last-Modified", modified.ToString("R", CultureInfo.InvariantCulture));
        response.SetHeader("Accept-Ranges", "bytes");
        response.ContentType = MimeTypes.For(path);
        if (NotModified(request, etag, modified))
        {
            response.StatusCode = 304;
            return;
        }
        long offset = 0;
        var count = length;
        var range = request.Headers["Range"];
        if (range is not null && (request.Headers["If-Range"] is not { } ifRange || ifRange == etag))
        {
            switch (ByteRange.Parse(range, length, out offset, out count))
            {
                case RangeOutcome.Unsatisfiable:
                    response.StatusCode = 416;
                    response.SetHeader("Content-Range", string.Create(CultureInfo.InvariantCulture, $"bytes */{length}"));
                    response.ContentLength64 = 0;
                    return;
                case RangeOutcome.Part when count != length || offset != 0:
                    response.StatusCode = 206;
                    response.SetHeader("Content-Range", string.Create(CultureInfo.InvariantCulture, $"bytes {offset}-{offset + count - 1}/{length}"));
                    break;
                default:
                    (offset, count) = (0, length);
                    break;
            }
        }
        response.ContentLength64 = count;
        if (request.HttpMethod == "HEAD") return;
        // Small files come from memory (checked against size and time on every request); large ones are streamed.
        if (cache.Get(path, length, modified) is { } content)
        {
            await response.OutputStream.WriteAsync(content.AsMemory((int)offset, (int)count), stopping).ConfigureAwait(false);
            return;
        }
        // Synchronous reads: on Unix "async" file reads are only thread-pool hops, and these come from the page cache.
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        stream.Position = offset;
        var buffer = new byte[(int)Math.Min(CopyBuffer, Math.Max(1, count))];
        long sent = 0;
        var output = response.OutputStream;
        while (sent < count)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count - sent));
            if (read == 0) break; // the file shrank while being sent; the connection closes so the client sees the cut
            await output.WriteAsync(buffer.AsMemory(0, read), stopping).ConfigureAwait(false);
            sent += read;
        }
    }

    private static bool NotModified(HttpServerRequest request, string etag, DateTime modified)
    {
        if (request.Headers["If-None-Match"] is { } match)
        {
            return match.Trim() == "*" || match.Split(',').Any(m => m.Trim() == etag || m.Trim() == "W/" + etag);
        }
        return request.Headers["If-Modified-Since"] is { } since
            && DateTime.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var sinceUtc)
            && modified.AddTicks(-(modified.Ticks % TimeSpan.TicksPerSecond)) <= sinceUtc;
    }

    private async Task SendListingAsync(HttpServerResponse response, string directory, string displayPath, bool headOnly)
    {
        var html = Http.DirectoryListing.Render(directory, displayPath, _realRoot);
        var bytes = System.Text.Encoding.UTF8.GetBytes(html);
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        if (headOnly) return;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }

    private static async Task SendTextAsync(HttpServerResponse response, int status, string text, bool headOnly)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        if (!headOnly) await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }
}
