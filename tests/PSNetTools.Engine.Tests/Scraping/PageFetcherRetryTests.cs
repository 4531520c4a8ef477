using PSNetTools.Resilience;
using PSNetTools.Scraping;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Scraping;

/// <summary>Invoke-Scrape's and Invoke-Crawl's fetches retry through the same RetryPolicy loop, Retry-After included.</summary>
public sealed class PageFetcherRetryTests : IDisposable
{
    private readonly LyingHttpServer _server = new();

    public void Dispose() => _server.Dispose();

    private static FetchOptions Options(int retries = 2, TimeSpan? total = null) => new()
    {
        Retry = new RetryPolicy { MaxRetries = retries, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2), MaxTotalTime = total ?? TimeSpan.FromMinutes(2) },
    };

    private double[] Gaps(string key)
    {
        var times = _server.Seen().Where(s => s.Path.Contains($"key={key}", StringComparison.Ordinal)).Select(s => s.Time).Order().ToArray();
        return times.Zip(times.Skip(1), (a, b) => b - a).ToArray();
    }

    [Fact]
    public async Task A_503_with_Retry_After_is_fetched_again_after_the_wait()
    {
        var key = Guid.NewGuid().ToString("N");
        var page = await PageFetcher.FetchAsync(new Uri($"{_server.BaseUri}/busy?key={key}&fail=1&after=1"), Options(), CancellationToken.None);
        Assert.Null(page.Failure);
        Assert.Equal(200, page.Value!.StatusCode);
        Assert.True(Assert.Single(Gaps(key)) >= 0.9);
    }

    [Fact]
    public async Task A_Retry_After_past_the_total_time_gives_the_busy_answer_at_once()
    {
        var key = Guid.NewGuid().ToString("N");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var page = await PageFetcher.FetchAsync(new Uri($"{_server.BaseUri}/busy?key={key}&fail=5&after=3600"), Options(total: TimeSpan.FromSeconds(30)), CancellationToken.None);
        Assert.Equal(503, page.Value!.StatusCode);
        Assert.Empty(Gaps(key));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Without_Retry_After_the_retries_run_out_and_the_last_answer_is_reported()
    {
        var key = Guid.NewGuid().ToString("N");
        var page = await PageFetcher.FetchAsync(new Uri($"{_server.BaseUri}/busy?key={key}&fail=5"), Options(), CancellationToken.None);
        Assert.Equal(503, page.Value!.StatusCode);
        Assert.Equal(2, Gaps(key).Length);
    }
}
