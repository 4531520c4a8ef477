using System.Net;
using System.Net.Http;

namespace PSNetTools.Resilience;

/// <summary>The wait a server asks for with Retry-After (RFC 9110 10.2.3), as seconds or as an HTTP-date.</summary>
public static class RetryAfter
{
    /// <summary>
    /// The server's wait on a 429 or 503 (the statuses where it means "come back later"; on a 3xx it is a hint, not a
    /// request); null without one or when it does not parse, so the backoff decides. A date in the past is no wait.
    /// </summary>
    public static TimeSpan? From(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)) return null;
        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };
    }
}
