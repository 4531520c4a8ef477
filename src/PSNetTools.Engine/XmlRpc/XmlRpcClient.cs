using System.Net;
using System.Net.Http.Headers;
using PSNetTools.Net;
using PSNetTools.Resilience;

namespace PSNetTools.XmlRpc;

public sealed record XmlRpcCallOptions
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public NetworkCredential? Credential { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Retries transport failures and 5xx answers; faults are answers, never retried.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>For https: roots trusted besides the system's, skipping the check, a client certificate.</summary>
    public PSNetTools.Net.TlsTrust Tls { get; init; } = PSNetTools.Net.TlsTrust.Default;

    /// <summary>Struct/array levels an answer may nest; a deeper one is refused while it is read.</summary>
    public int MaxDepth { get; init; } = XmlRpcReadLimits.DefaultMaxDepth;

    /// <summary>Bytes of answer read; a larger one is refused without being parsed.</summary>
    public long MaxResponseBytes { get; init; } = XmlRpcReadLimits.DefaultMaxBytes;
}

/// <summary>Invoke-XmlRpc: one POST per call over a pooled connection; faults become <see cref="XmlRpcFaultException"/>.</summary>
public static class XmlRpcClient
{
    // SocketsHttpHandler's own redirects would re-send -Headers (Cookie, X-Api-Key) to any host a server names:
    // HttpRedirects follows them instead, and keeps the caller's headers and credential on the first origin only.
    private static readonly HttpClient Http = new(ClientCertificateCheckHandler.Over(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), AutomaticDecompression = DecompressionMethods.All, AllowAutoRedirect = false }, TlsTrust.Default))
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    // HTTP/1.0 servers (Python's SimpleXMLRPCServer, many embedded ones) close the connection after each answer, but
    // SocketsHttpHandler pools it anyway and, when the next call follows at once, sends it down the closing socket:
    // "The response ended prematurely" on about one call in ten. Endpoints seen answering HTTP/1.0 get a handler
    // that never reuses a connection.
    private static readonly HttpClient OneShot = new(ClientCertificateCheckHandler.Over(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, AutomaticDecompression = DecompressionMethods.All, AllowAutoRedirect = false }, TlsTrust.Default))
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Http10Endpoints = new(StringComparer.OrdinalIgnoreCase);

    // A trust other than the system's gets pools of its own (one per TlsTrust.Key, reused and one-shot).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, HttpClient> TrustedClients = new();

    private static HttpClient ClientFor(Uri uri, PSNetTools.Net.TlsTrust tls)
    {
        var oneShot = Http10Endpoints.ContainsKey(uri.Authority);
        if (tls.Callback is null && tls.ClientCertificate is null) return oneShot ? OneShot : Http;
        return TrustedClients.GetOrAdd($"{oneShot}|{tls.Key}", _ =>
        {
            var handler = new SocketsHttpHandler { PooledConnectionLifetime = oneShot ? TimeSpan.Zero : TimeSpan.FromMinutes(2), AutomaticDecompression = DecompressionMethods.All, AllowAutoRedirect = false };
            tls.ApplyTo(handler.SslOptions);
            return new HttpClient(ClientCertificateCheckHandler.Over(handler, tls)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        });
    }

    /// <exception cref="XmlRpcFaultException">The server answered with a fault (never retried).</exception>
    /// <exception cref="System.Net.Http.HttpRequestException">The connection failed, or the server answered an HTTP error status.</exception>
    /// <exception cref="TimeoutException">No answer within the call's timeout.</exception>
    /// <exception cref="XmlRpcLimitException">The answer is larger or deeper than the limits allow.</exception>
    /// <exception cref="FormatException">The answer is not an XML-RPC response.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<object?> CallAsync(Uri uri, string method, IReadOnlyList<object?> parameters, XmlRpcCallOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var body = XmlRpcCodec.Call(method, parameters);
        return options.Retry.ExecuteAsync(async (_, ct) =>
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(options.Timeout);
            try
            {
                var client = ClientFor(uri, options.Tls);
                using var answer = await Net.HttpRedirects.SendAsync(client, new Net.RedirectHop(uri, HttpMethod.Post), new Net.RedirectPolicy(),
                    hop => Request(hop, body, options), deadline.Token).ConfigureAwait(false);
                if (answer.Stopped is { } stop) throw new HttpRequestException(stop.Message);
                var response = answer.Response;
                if (response.Version == HttpVersion.Version10 && response.Headers.Connection.All(c => !string.Equals(c, "keep-alive", StringComparison.OrdinalIgnoreCase)))
                {
                    Http10Endpoints.TryAdd(uri.Authority, true);
                }
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"{uri} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}; is it the XML-RPC endpoint (often /RPC2)?", null, response.StatusCode);
                }
                var cap = options.MaxResponseBytes;
                if (response.Content.Headers.ContentLength > cap) throw TooLarge(uri, method, cap);
                // One byte past the cap tells a cut-off answer from one that fits exactly.
                var bytes = await Net.HttpContentReader.ReadCappedAsync(response.Content, cap + 1, deadline.Token).ConfigureAwait(false);
                if (bytes.Length > cap) throw TooLarge(uri, method, cap);
                using var stream = new MemoryStream(bytes);
                return Read(uri, method, stream, new XmlRpcReadLimits { MaxDepth = options.MaxDepth, MaxBytes = cap });
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"{uri}: no answer to {method} within {options.Timeout.TotalSeconds:0.###} s.");
            }
        }, null, cancellationToken);
    }

    /// <summary>One hop's request: the call (a hop turned into GET by a 301/302/303 has no body), and the credential
    /// and the caller's headers only while the hop is on the first origin.</summary>
    private static HttpRequestMessage Request(Net.RedirectHop hop, byte[] body, XmlRpcCallOptions options)
    {
        var request = new HttpRequestMessage(hop.Method, hop.Uri);
        if (hop.Method == HttpMethod.Post)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
        }
        request.Headers.UserAgent.ParseAdd("PSNetTools/" + typeof(XmlRpcClient).Assembly.GetName().Version?.ToString(3));
        if (options.Credential is { } c && hop.Trusted)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{c.UserName}:{c.Password}")));
        }
        foreach (var (k, v) in Net.HttpRedirects.HeadersFor(options.Headers, hop.Trusted)) request.Headers.TryAddWithoutValidation(k, v);
        return request;
    }

    private static XmlRpcLimitException TooLarge(Uri uri, string method, long limit) =>
        new(nameof(XmlRpcCallOptions.MaxResponseBytes), limit % (1024 * 1024) == 0
            ? $"{uri}: the answer to {method} is larger than {limit / (1024 * 1024)} MB; it was not read."
            : $"{uri}: the answer to {method} is larger than {limit:N0} bytes; it was not read.");

    /// <summary>The answer's value; what is wrong with an unreadable one, said with the endpoint and the method.</summary>
    private static object? Read(Uri uri, string method, Stream stream, XmlRpcReadLimits limits)
    {
        try
        {
            return XmlRpcCodec.ReadResponse(stream, limits);
        }
        catch (XmlRpcLimitException ex)
        {
            var limit = ex.Limit == nameof(XmlRpcReadLimits.MaxBytes) ? nameof(XmlRpcCallOptions.MaxResponseBytes) : ex.Limit;
            throw new XmlRpcLimitException(limit, $"{uri}: cannot read the answer to {method}: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{uri}: cannot read the answer to {method}: {ex.Message}", ex);
        }
    }

    /// <summary>system.multicall: several calls in one request; each result is the value or the fault of that call.</summary>
    /// <exception cref="System.Net.Http.HttpRequestException">The connection failed, or the server answered an HTTP error status.</exception>
    /// <exception cref="TimeoutException">No answer within the call's timeout.</exception>
    /// <exception cref="XmlRpcLimitException">The answer is larger or deeper than the limits allow.</exception>
    /// <exception cref="FormatException">The answer is not a multicall response.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<IReadOnlyList<object?>> MulticallAsync(Uri uri, IReadOnlyList<(string Method, IReadOnlyList<object?> Parameters)> calls, XmlRpcCallOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var batch = calls.Select(c => (object?)new Dictionary<string, object?> { ["methodName"] = c.Method, ["params"] = c.Parameters.ToArray() }).ToArray();
        var result = await CallAsync(uri, "system.multicall", [batch], options, cancellationToken).ConfigureAwait(false);
        if (result is not object?[] items || items.Length != calls.Count) throw new FormatException("system.multicall answered something other than one entry per call.");
        return [.. items.Select(item => item switch
        {
            object?[] { Length: 1 } one => one[0],
            System.Collections.IDictionary fault when fault.Contains("faultCode") => new XmlRpcFaultException(Convert.ToInt32(fault["faultCode"], System.Globalization.CultureInfo.InvariantCulture), fault["faultString"]?.ToString() ?? ""),
            _ => item,
        })];
    }
}
