using PSNetTools.Engine.Resilience;

namespace PSNetTools.Engine.Scraping;

public sealed record FetchOptions
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string UserAgent { get; init; } = "PSNetTools/" + typeof(FetchOptions).Assembly.GetName().Version?.ToString(3);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public bool SkipCertificateCheck { get; init; }

    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>False: a redirect comes back as it is (status and Location), for crawlers that decide where to go.</summary>
    public bool FollowRedirects { get; init; } = true;

    /// <summary>Reading stops here; the page is parsed from what arrived.</summary>
    public long MaximumContentBytes { get; init; } = 50L * 1024 * 1024;
}
