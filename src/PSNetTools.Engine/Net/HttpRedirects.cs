namespace PSNetTools.Net;

/// <summary>
/// The one way the module's HTTP clients (Test-HttpEndpoint, Invoke-Scrape, Invoke-Crawl) follow redirects, by hand:
/// only to http and https, at most a given number of hops, only where the caller allows, and with the caller's
/// headers only while every hop stays on the origin (scheme, host and port) the request started from. A hop to
/// another origin, or from https down to http, keeps only the headers of <see cref="SafeHeaders"/>, as curl and
/// browsers drop Authorization and Cookie: a server must not be able to forward a caller's secrets anywhere it likes.
/// </summary>
public static class HttpRedirects
{
    public const string RedirectNotHttp = "RedirectNotHttp";
    public const string TooManyRedirects = "TooManyRedirects";
    public const string RedirectNotAllowed = "RedirectNotAllowed";

    // Headers that say how to answer, not who is asking: safe to send to any origin. Everything else the caller adds
    // (Authorization, Cookie, X-Api-Key, Proxy-Authorization, any X-Whatever-Token) may be a credential.
    private static readonly HashSet<string> Safe = new(StringComparer.OrdinalIgnoreCase)
    {
        "Accept", "Accept-Language", "Accept-Encoding", "Content-Type", "Content-Language", "User-Agent", "Cache-Control", "Pragma",
    };

    public static IReadOnlyCollection<string> SafeHeaders => Safe;

    public static bool IsSafeHeader(string name) => Safe.Contains((name ?? "").Trim());

    public static bool IsSameOrigin(Uri a, Uri b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port;
    }

    /// <summary>The caller's headers that may go to a hop: all of them on the first origin, only the safe ones elsewhere.</summary>
    public static IEnumerable<KeyValuePair<string, string>> HeadersFor(IReadOnlyDictionary<string, string> headers, bool trusted)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return trusted ? headers : headers.Where(h => IsSafeHeader(h.Key));
    }

    public static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    /// <summary>
    /// Sends <paramref name="start"/> and follows redirects as <paramref name="policy"/> says. <paramref name="build"/>
    /// makes each hop's request (it applies <see cref="HeadersFor"/> with the hop's Trusted). The answer that ends the
    /// chain is returned with why it ended, when that was a redirect that was not followed.
    /// </summary>
    /// <exception cref="System.Net.Http.HttpRequestException">A hop's request failed (connect, TLS, protocol).</exception>
    /// <exception cref="NotAnAddressException">The first URL's host looks like an IPv4 address and is not one.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<RedirectedResponse> SendAsync(HttpClient client, RedirectHop start, RedirectPolicy policy,
        Func<RedirectHop, HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(build);
        NotAnAddressException.ThrowIfNotAnAddress(start.Uri);
        var hop = start;
        while (true)
        {
            var request = build(hop);
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                request.Dispose();
                throw;
            }
            var status = (int)response.StatusCode;
            if (!policy.Follow || !IsRedirect(status) || response.Headers.Location is not { } location || !Uri.TryCreate(hop.Uri, location, out var target))
            {
                return new RedirectedResponse(request, response, hop, null);
            }
            var stop = Refuse(hop, target, policy);
            if (stop is not null) return new RedirectedResponse(request, response, hop, stop);
            response.Dispose();
            request.Dispose();
            // 303 turns any method but HEAD into GET; 301 and 302 turn POST into GET, as browsers do.
            var method = (status == 303 && hop.Method != HttpMethod.Head) || (status is 301 or 302 && hop.Method == HttpMethod.Post) ? HttpMethod.Get : hop.Method;
            // Once off the first origin, always off: a detour through another host does not earn the secrets back.
            hop = new RedirectHop(target, method, hop.Number + 1, hop.Trusted && IsSameOrigin(hop.Uri, target));
        }
    }

    /// <summary>Why the redirect of <paramref name="hop"/> to <paramref name="target"/> must not be followed; null when it may.</summary>
    public static RedirectStop? Refuse(RedirectHop hop, Uri target, RedirectPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(hop);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(policy);
        if (target.Scheme is not ("http" or "https"))
        {
            return new RedirectStop(RedirectNotHttp, target, $"{hop.Uri.AbsoluteUri} redirects to '{target.OriginalString}'; only redirects to http and https are followed.");
        }
        if (TargetSpec.NotAnAddress(target) is { } notAnAddress)
        {
            return new RedirectStop(ErrorIds.InvalidTarget, target, $"{hop.Uri.AbsoluteUri} redirects to {target.OriginalString}, whose host {notAnAddress}");
        }
        if (hop.Number >= policy.MaximumRedirections)
        {
            return new RedirectStop(TooManyRedirects, target, $"{hop.Uri.AbsoluteUri} redirects once more (to {target.AbsoluteUri}) after the limit of {policy.MaximumRedirections} redirects; check for a loop.");
        }
        if (policy.Allow is { } allow && !allow(target))
        {
            return new RedirectStop(RedirectNotAllowed, target, $"{hop.Uri.AbsoluteUri} redirects to {target.AbsoluteUri}, outside {policy.AllowedDescription}; the redirect is not followed.");
        }
        return null;
    }
}

/// <summary>One request of a redirect chain. Trusted: still on the first origin, so the caller's headers go with it.</summary>
public sealed record RedirectHop(Uri Uri, HttpMethod Method, int Number = 0, bool Trusted = true);

public sealed record RedirectPolicy
{
    /// <summary>False: a redirect is the answer (status and Location), for callers that decide where to go.</summary>
    public bool Follow { get; init; } = true;

    public int MaximumRedirections { get; init; } = 10;

    /// <summary>Where a redirect may lead (beyond http and https); null: anywhere.</summary>
    public Func<Uri, bool>? Allow { get; init; }

    /// <summary>Names what <see cref="Allow"/> admits, for the message, e.g. "the allowed domains".</summary>
    public string AllowedDescription { get; init; } = "the allowed addresses";
}

/// <summary>Why a chain ended on a redirect that was not followed.</summary>
public sealed record RedirectStop(string ErrorId, Uri Target, string Message);

/// <summary>The answer that ended a redirect chain; disposing it disposes the answer and its request.</summary>
public sealed class RedirectedResponse(HttpRequestMessage request, HttpResponseMessage response, RedirectHop hop, RedirectStop? stopped) : IDisposable
{
    public HttpResponseMessage Response { get; } = response;

    /// <summary>The request that got <see cref="Response"/>: its address, method and how many redirects led to it.</summary>
    public RedirectHop Hop { get; } = hop;

    /// <summary>Set when the chain ended on a redirect that was refused (not http, too many, not allowed).</summary>
    public RedirectStop? Stopped { get; } = stopped;

    public void Dispose()
    {
        Response.Dispose();
        request.Dispose();
    }
}
