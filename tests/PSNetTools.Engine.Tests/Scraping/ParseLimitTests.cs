using System.Diagnostics;
using System.Text;
using PSNetTools.Scraping;

namespace PSNetTools.Engine.Tests.Scraping;

/// <summary>Issue 10, item 13: a page built to be slow to parse is stopped by the parse-time budget or by cancellation.</summary>
public sealed class ParseLimitTests
{
    private static readonly HtmlSource Deep = new("http://127.0.0.1/deep", Encoding.ASCII.GetBytes("<html><body>" + string.Concat(Enumerable.Repeat("<div>", 80_000))), "text/html");

    [Fact]
    public async Task The_parse_time_budget_stops_an_80000_deep_page()
    {
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<HtmlParseLimitException>(() => HtmlScraper.DescribeAsync(Deep, new HtmlParseLimits { MaximumParseTime = TimeSpan.FromSeconds(0.5) }));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        Assert.Contains("parse-time limit of 0.5 s", ex.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(0.5), ex.Limit);
    }

    [Fact]
    public async Task Cancellation_stops_a_parse_and_is_not_called_a_limit()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => HtmlScraper.SelectAsync(Deep, ["div"], new HtmlParseLimits { MaximumParseTime = TimeSpan.FromMinutes(10) }, cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.IsNotType<HtmlParseLimitException>(ex);
    }

    [Fact]
    public async Task Ordinary_pages_parse_under_the_default_limits()
    {
        var page = await HtmlScraper.DescribeAsync(new HtmlSource("http://127.0.0.1/", "<title>t</title><a href='x'>x</a>"u8.ToArray(), "text/html"));
        Assert.Equal(("t", 1), (page.Title, page.LinkCount));
        Assert.Equal(TimeSpan.FromSeconds(10), HtmlParseLimits.Default.MaximumParseTime);
    }
}
