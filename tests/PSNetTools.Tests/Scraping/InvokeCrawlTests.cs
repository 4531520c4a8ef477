using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scraping;

public sealed class InvokeCrawlTests : IClassFixture<InvokeCrawlTests.Peers>
{
    private readonly WebNginx _nginx;

    public InvokeCrawlTests(Peers peers) => _nginx = peers.Nginx;

    public sealed class Peers : IDisposable
    {
        public WebNginx Nginx { get; } = new();

        public void Dispose() => Nginx.Dispose();
    }

    [Fact]
    public void Rows_stream_with_progress_and_filter_like_the_issue_says()
    {
        var r = Ps.Run($$"""
            Invoke-Crawl {{_nginx.BaseUri}}/ -Depth 1 -IncludePattern '/tutorial/', '/$' | Where-Object StatusCode -eq 200 | ForEach-Object { $_.Depth }
            """);
        r.AssertNoErrors();
        Assert.Equal(0, (int)r.Output[0].BaseObject);
        Assert.True(r.Output.Count > 1);
        Assert.NotEmpty(r.Progress);
        Assert.Contains(r.Progress, p => p.StatusDescription.Contains("pages done", StringComparison.Ordinal));
    }

    [Fact]
    public void Selector_items_robots_switch_and_bad_input()
    {
        var b = _nginx.BaseUri;
        var r = Ps.Run($$"""
            (Invoke-Crawl {{b}}/site/gbk.html -Depth 0 -Selector 'h1').Items.Text
            @(Invoke-Crawl {{b}}/site/gbk.html -Depth 1 -IgnoreRobotsTxt | Where-Object Uri -like '*secret.html').StatusCode
            Invoke-Crawl 'not a uri'
            Invoke-Crawl {{b}}/ -IncludePattern '(unclosed'
            """);
        Assert.Equal(["欢迎", 200], r.Output.Select(o => o.BaseObject));
        Assert.Equal(["InvalidPattern", "InvalidUri"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).Order());
    }

    [Fact]
    public void Ctrl_c_stops_a_crawl_at_once()
    {
        var r = Ps.RunAndStop($"Invoke-Crawl {_nginx.BaseUri}/ -Depth 50 -ThrottleLimit 2 -IgnoreRobotsTxt -DelaySec 0.05", TimeSpan.FromSeconds(1));
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(3), $"took {r.Elapsed}");
        Assert.NotEmpty(r.Output);
    }
}
