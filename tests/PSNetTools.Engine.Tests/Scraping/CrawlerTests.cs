using System.Diagnostics;
using PSNetTools.Scraping;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Scraping;

public sealed class CrawlerTests : IClassFixture<CrawlerTests.Peers>
{
    private readonly WebNginx _nginx;

    public CrawlerTests(Peers peers) => _nginx = peers.Nginx;

    public sealed class Peers : IDisposable
    {
        public WebNginx Nginx { get; } = new();

        public void Dispose() => Nginx.Dispose();
    }

    private static async Task<List<CrawlPage>> Crawl(CrawlOptions options, CancellationToken ct = default)
    {
        var rows = new List<CrawlPage>();
        await foreach (var row in Crawler.CrawlAsync(options, cancellationToken: ct)) rows.Add(row);
        return rows;
    }

    private CrawlOptions Options(string path, int depth) => new() { StartUris = [new Uri(_nginx.BaseUri + path)], Depth = depth, MaxPages = 5000 };

    [Fact]
    public async Task The_python_docs_are_crawled_once_each_and_match_wget()
    {
        var rows = await Crawl(Options("/", 50) with { RespectRobotsTxt = false, ThrottleLimit = 16 });
        Assert.Equal(rows.Count, rows.Select(r => r.Uri).Distinct().Count());
        var ours = rows.Where(r => r.StatusCode == 200 && r.ContentType.StartsWith("text/html", StringComparison.Ordinal)).Select(r => new Uri(r.Uri).AbsolutePath)
            .Select(p => p.EndsWith('/') ? p + "index.html" : p).ToHashSet(); // wget stores "/" as index.html

        // wget -r is the independent reference for which pages are reachable from the start page.
        using var dir = new TempDir();
        var psi = new ProcessStartInfo(PeerProcess.Require("wget"), $"-r -l inf -np -q -e robots=off -P {dir.Path} {_nginx.BaseUri}/");
        using (var wget = Process.Start(psi)!)
        {
            Assert.True(wget.WaitForExit(TimeSpan.FromSeconds(120)), "wget did not finish");
            Assert.True(wget.ExitCode is 0 or 8, $"wget exited {wget.ExitCode}"); // 8: some links answered 404, as in ours
        }
        var root = Path.Combine(dir.Path, $"127.0.0.1:{_nginx.Port}");
        var theirs = Directory.EnumerateFiles(root, "*.html", SearchOption.AllDirectories)
            .Select(f => "/" + Path.GetRelativePath(root, f).Replace('\\', '/')).ToHashSet();
        Assert.True(ours.SetEquals(theirs), $"only ours: {string.Join(", ", ours.Except(theirs).Take(5))}; only wget's: {string.Join(", ", theirs.Except(ours).Take(5))}");
        Assert.True(ours.Count > 500);
    }

    [Fact]
    public async Task Robots_txt_is_honoured_and_reported()
    {
        var rows = await Crawl(Options("/site/gbk.html", 2));
        var secret = Assert.Single(rows, r => r.Uri.EndsWith("/site/private/secret.html", StringComparison.Ordinal));
        Assert.StartsWith("DisallowedByRobotsTxt", secret.Error, StringComparison.Ordinal);
        Assert.Equal(0, secret.StatusCode);
        Assert.Contains(rows, r => r.Title == "ネットワーク" && r.Depth == 1 && r.Referrer.EndsWith("gbk.html", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Depth_max_pages_and_patterns_bound_the_crawl()
    {
        Assert.Single(await Crawl(Options("/", 0)));
        var shallow = await Crawl(Options("/", 1));
        Assert.All(shallow, r => Assert.InRange(r.Depth, 0, 1));
        Assert.Equal(10, (await Crawl(Options("/", 5) with { MaxPages = 10 })).Count);
        var included = await Crawl(Options("/", 3) with { IncludePatterns = ["/tutorial/", "/$"] });
        Assert.All(included.Skip(1), r => Assert.Contains("/tutorial/", r.Uri, StringComparison.Ordinal));
        var excluded = await Crawl(Options("/", 2) with { ExcludePatterns = ["/library/"] });
        Assert.DoesNotContain(excluded, r => r.Uri.Contains("/library/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redirect_loops_end_and_foreign_redirects_are_not_followed()
    {
        var loop = await Crawl(Options("/redirect/loop", 20));
        Assert.Single(loop); // the loop points at itself: visited once
        var away = await Crawl(Options("/redirect/away", 5));
        Assert.Equal(302, Assert.Single(away).StatusCode); // 127.0.0.2 is outside the allowed domain
        var chain = await Crawl(Options("/redirect/chain", 2));
        Assert.Equal([301, 302, 200], chain.Select(r => r.StatusCode));
        Assert.EndsWith("/index.html", chain[2].Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failures_are_rows_and_big_or_binary_answers_are_capped_not_parsed()
    {
        var options = new CrawlOptions
        {
            StartUris = [new Uri(_nginx.BaseUri + "/big"), new Uri(_nginx.BaseUri + "/binary-as-html"), new Uri($"http://127.0.0.1:{Loopback.ClosedTcpPort()}/"), new Uri(_nginx.BaseUri + "/status/404"), new Uri(_nginx.BaseUri + "/empty")],
            Depth = 1,
            Fetch = new FetchOptions { FollowRedirects = false, MaximumContentBytes = 1_000_000 },
        };
        var watch = Stopwatch.StartNew();
        var rows = await Crawl(options);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20));
        Assert.Equal(1_000_000, rows.Single(r => r.Uri.EndsWith("/big", StringComparison.Ordinal)).Bytes);
        Assert.StartsWith("ConnectionRefused", rows.Single(r => r.StatusCode == 0 && r.Error.Length > 0).Error, StringComparison.Ordinal);
        Assert.Equal(404, rows.Single(r => r.Uri.EndsWith("/status/404", StringComparison.Ordinal)).StatusCode);
        Assert.Equal(0, rows.Single(r => r.Uri.EndsWith("/empty", StringComparison.Ordinal)).Bytes);
    }

    [Fact]
    public async Task Selectors_extract_items_and_cancellation_stops_at_once()
    {
        var rows = await Crawl(Options("/", 1) with { Selectors = ["h1"] });
        Assert.Contains(rows, r => r.Items.Any(i => i.Tag == "h1"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Crawl(Options("/", 50) with { RespectRobotsTxt = false, ThrottleLimit = 2 }, cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }
}
