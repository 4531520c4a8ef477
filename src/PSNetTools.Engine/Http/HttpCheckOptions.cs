using PSNetTools.Net;
using PSNetTools.Resilience;

namespace PSNetTools.Http;

public sealed record HttpCheckOptions
{
    public string Method { get; init; } = "GET";

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string? Body { get; init; }

    /// <summary>Statuses that count as success; empty: any 2xx or 3xx.</summary>
    public IReadOnlyList<int> ExpectStatus { get; init; } = [];

    /// <summary>A regular expression the body must match.</summary>
    public string? ExpectContent { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Redirects followed at most; one more is a TooManyRedirects failure. See HttpRedirects for what a hop keeps.</summary>
    public int MaximumRedirection { get; init; } = 5;

    /// <summary>Roots trusted besides the system's, skipping the check, a client certificate.</summary>
    public TlsTrust Tls { get; init; } = TlsTrust.Default;

    /// <summary>Connection failures, timeouts and 5xx/429 answers are retried; a 429/503's Retry-After sets the wait, within the policy's total time.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>Bodies beyond this are not read further (ContentLength still reports the header; Truncated says so).</summary>
    public long MaximumContentBytes { get; init; } = DefaultMaximumContentBytes;

    public const long DefaultMaximumContentBytes = 16 * 1024 * 1024;

    /// <summary>Verbose lines per request: the request, name resolution, connect, TLS version and cipher, redirects, the answer, retries and limits.</summary>
    public Action<string>? Log { get; init; }

    public string UserAgent { get; init; } = "PSNetTools/" + typeof(HttpCheckOptions).Assembly.GetName().Version?.ToString(3);
}
