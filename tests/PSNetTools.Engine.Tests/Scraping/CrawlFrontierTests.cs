using System.Collections.Concurrent;
using PSNetTools.Scraping;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Scraping;

/// <summary>Issue 10, items 11 and 15: the frontier follows MaxPages, and robots.txt stays inside the allowed domains.</summary>
public sealed class CrawlFrontierTests
{
    [Fact]
    public async Task The_frontier_never_holds_more_than_max_pages()
    {
        using var server = new LyingHttpServer(linksPerPage: 5000);
        var counters = new CrawlCounters();
        var log = new ConcurrentQueue<string>();
        var options = new CrawlOptions { StartUris = [new Uri(server.BaseUri + "/p/start")], Depth = 3, MaxPages = 20, MaximumLinksPerPage = 3000, Log = log.Enqueue };
        var rows = new List<CrawlPage>();
        long queuedAtMost = 0;
        await foreach (var row in Crawler.CrawlAsync(options, counters))
        {
            rows.Add(row);
            queuedAtMost = Math.Max(queuedAtMost, counters.Queued);
        }
        Assert.Equal(20, rows.Count);
        Assert.InRange(queuedAtMost, 0, 20);
        Assert.All(rows.Where(r => r.Depth < 3), r => Assert.Equal(5000, r.LinkCount)); // counted, though only 3000 were taken
        Assert.True(counters.LinksNotQueued > 0);
        Assert.Equal(2000 * counters.PagesOverLinkLimit, counters.LinksOverPageLimit);
        Assert.Contains(log, l => l.Contains("per-page link limit", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("MaxPages", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_robots_txt_redirect_is_followed_inside_the_allowed_domains_only()
    {
        using var away = new LyingHttpServer(robotsTo: s => s.OtherHostUri + "/robots.txt");
        var log = new ConcurrentQueue<string>();
        var rows = new List<CrawlPage>();
        await foreach (var row in Crawler.CrawlAsync(new CrawlOptions { StartUris = [new Uri(away.BaseUri + "/page")], Depth = 0, Log = log.Enqueue })) rows.Add(row);
        Assert.Equal(200, Assert.Single(rows).StatusCode);
        Assert.DoesNotContain(away.Seen(), q => q.Listener.StartsWith("127.0.0.2", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("outside the allowed domains", StringComparison.Ordinal));

        // Another port of the same host is inside the allowed domain (domains are host names): followed.
        using var port = new LyingHttpServer(robotsTo: s => s.OtherPortUri + "/robots.txt");
        await foreach (var _ in Crawler.CrawlAsync(new CrawlOptions { StartUris = [new Uri(port.BaseUri + "/page")], Depth = 0 }))
        {
        }
        Assert.Contains(port.Seen(), q => q.Listener == $"127.0.0.1:{port.OtherPort}" && q.Path == "/robots.txt");
    }
}
