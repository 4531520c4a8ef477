using PSNetTools.Scraping;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Scraping;

/// <summary>
/// Issue 11, point 3 (engine queues): a crawl whose consumer reads slowly fetches at most a queue's worth of pages
/// ahead of it, instead of crawling on at full speed and holding every row until the consumer gets there.
/// </summary>
public sealed class CrawlBackpressureTests
{
    [Fact]
    public async Task A_slow_consumer_holds_the_crawl_a_few_pages_ahead()
    {
        using var server = new LyingHttpServer(linksPerPage: 40);
        var counters = new CrawlCounters();
        var options = new CrawlOptions { StartUris = [new Uri(server.BaseUri + "/p/start")], Depth = 3, MaxPages = 1500, ThrottleLimit = 4 };
        var taken = 0;
        long mostAhead = 0;
        await foreach (var row in Crawler.CrawlAsync(options, counters))
        {
            Assert.Equal(200, row.StatusCode);
            taken++;
            await Task.Delay(100);
            mostAhead = Math.Max(mostAhead, counters.PagesDone - taken);
            if (taken == 15) break;
        }
        // The queue (ThrottleLimit rows) plus one page in each fetcher waiting to write.
        Assert.True(mostAhead <= 2 * options.ThrottleLimit, $"the crawl ran {mostAhead:N0} pages ahead of a consumer that had taken {taken}");
    }
}
