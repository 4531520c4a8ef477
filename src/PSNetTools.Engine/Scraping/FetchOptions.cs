using PSNetTools.Resilience;

namespace PSNetTools.Scraping;

public sealed record FetchOptions
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string UserAgent { get; init; } = "PSNetTools/" + typeof(FetchOptions).Assembly.GetName().Version?.ToString(3);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Roots trusted besides the system's, skipping the check, a client certificate.</summary>
    public PSNetTools.Net.TlsTrust Tls { get; init; } = PSNetTools.Net.TlsTrust.Default;

    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>False: a redirect comes back as it is (status and Location), for crawlers that decide where to go.</summary>
    public bool FollowRedirects { get; init; } = true;

    /// <summary>Redirects followed at most; one more is a TooManyRedirects failure.</summary>
    public int MaximumRedirections { get; init; } = DefaultMaximumRedirections;

    public const int DefaultMaximumRedirections = 10;

    /// <summary>Where a followed redirect may lead (beyond http and https); null: anywhere. Refused: RedirectNotAllowed.</summary>
    public Func<Uri, bool>? RedirectAllowed { get; init; }

    /// <summary>What <see cref="RedirectAllowed"/> admits, in words, for the RedirectNotAllowed message.</summary>
    public string RedirectAllowedDescription { get; init; } = "the allowed addresses";

    /// <summary>Reading stops here; the page is parsed from what arrived and HtmlSource.Truncated says so.</summary>
    public long MaximumContentBytes { get; init; } = DefaultMaximumContentBytes;

    public const long DefaultMaximumContentBytes = 50L * 1024 * 1024;
}
