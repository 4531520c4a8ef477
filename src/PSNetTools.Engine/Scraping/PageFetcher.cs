using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using PSNetTools.Net;
using PSNetTools.Resilience;

namespace PSNetTools.Scraping;

/// <summary>
/// Fetches pages for Invoke-Scrape and Invoke-Crawl through one pooled HttpClient per certificate policy (connections
/// are reused across calls and refreshed every two minutes so DNS changes are seen), with retries and a size cap.
/// </summary>
public static class PageFetcher
{
    // One pool per trust (TlsTrust.Key): runs with the same CA file share it.
    private static readonly ConcurrentDictionary<string, HttpClient> Clients = new();

    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Transport failures, timeouts, refused redirects and bad schemes are the outcome's failure.</remarks>
    public static async Task<Outcome<HtmlSource>> FetchAsync(Uri uri, FetchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(options);
        var target = uri.OriginalString;
        if (uri.Scheme is not ("http" or "https"))
        {
            return Outcome.Failed<HtmlSource>(new TargetFailure(target, "UnsupportedScheme", FailureKind.InvalidTarget, $"'{target}' uses '{uri.Scheme}'; pages are fetched over http and https."));
        }
        // Redirects are followed by hand (HttpRedirects), never by the handler: it would resend every header anywhere.
        var client = Clients.GetOrAdd(options.Tls.Key, _ => Create(options.Tls));
        var policy = new RedirectPolicy
        {
            Follow = options.FollowRedirects,
            MaximumRedirections = options.MaximumRedirections,
            Allow = options.RedirectAllowed,
            AllowedDescription = options.RedirectAllowedDescription,
        };
        try
        {
            // The one retry loop: a 5xx or 429 answer is tried again after the backoff, or after the wait its
            // Retry-After asks for (within the policy's total time); the last answer is reported as it is.
            var (page, _) = await options.Retry.ExecuteAsync(async (attempt, ct) =>
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(options.Timeout);
                try
                {
                    using var answer = await HttpRedirects.SendAsync(client, new RedirectHop(uri, HttpMethod.Get), policy, hop => Request(hop, options), deadline.Token).ConfigureAwait(false);
                    if (answer.Stopped is { } stop)
                    {
                        return (Outcome.Failed<HtmlSource>(new TargetFailure(target, stop.ErrorId, stop.ErrorId == HttpRedirects.TooManyRedirects ? FailureKind.LimitExceeded : FailureKind.ProtocolError, stop.Message)), RetryVerdict.Final);
                    }
                    var response = answer.Response;
                    var verdict = TransientFailures.IsTransient(response.StatusCode) ? RetryVerdict.Again(RetryAfter.From(response, DateTimeOffset.UtcNow)) : RetryVerdict.Final;
                    var body = await HttpContentReader.ReadUpToAsync(response.Content, options.MaximumContentBytes, deadline.Token).ConfigureAwait(false);
                    return (Outcome.Success(new HtmlSource(answer.Hop.Uri.AbsoluteUri, body.Bytes, response.Content.Headers.ContentType?.ToString(), (int)response.StatusCode)
                    {
                        Location = response.Headers.Location is { } location && Uri.TryCreate(answer.Hop.Uri, location, out var next) ? next.AbsoluteUri : null,
                        Truncated = body.Truncated,
                    }), verdict);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"{target}: no complete answer within {options.Timeout.TotalSeconds:0.###} s.");
                }
            }, attempt => attempt.Item2, null, cancellationToken).ConfigureAwait(false);
            return page;
        }
        catch (HttpRequestException ex)
        {
            return Outcome.Failed<HtmlSource>(SocketFailures.From(target, ex.InnerException ?? ex, options.Timeout.TotalSeconds) with { Exception = ex });
        }
        catch (TimeoutException ex)
        {
            return Outcome.Failed<HtmlSource>(new TargetFailure(target, "Timeout", FailureKind.Timeout, ex.Message, ex));
        }
        catch (IOException ex)
        {
            // The body broke off (reset, or shorter than its Content-Length): that page's failure, not the pipeline's.
            return Outcome.Failed<HtmlSource>(ex.InnerException is System.Net.Sockets.SocketException ? SocketFailures.From(target, ex) with { Exception = ex }
                : new TargetFailure(target, "ConnectionReset", FailureKind.ConnectionReset, $"{target}: the answer broke off: {ex.Message}", ex));
        }
    }

    private static HttpRequestMessage Request(RedirectHop hop, FetchOptions options)
    {
        var request = new HttpRequestMessage(hop.Method, hop.Uri);
        request.Headers.UserAgent.ParseAdd(options.UserAgent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*", 0.8));
        foreach (var (name, value) in HttpRedirects.HeadersFor(options.Headers, hop.Trusted)) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static HttpClient Create(TlsTrust tls)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 64,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        tls.ApplyTo(handler.SslOptions);
        return new HttpClient(ClientCertificateCheckHandler.Over(handler, tls)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }
}
