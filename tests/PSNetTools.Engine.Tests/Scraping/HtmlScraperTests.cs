using System.Diagnostics;
using System.Text;
using PSNetTools.Scraping;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Scraping;

public sealed class HtmlScraperTests : IClassFixture<HtmlScraperTests.Peers>
{
    private readonly WebNginx _nginx;

    public HtmlScraperTests(Peers peers) => _nginx = peers.Nginx;

    public sealed class Peers : IDisposable
    {
        public WebNginx Nginx { get; } = new();

        public void Dispose() => Nginx.Dispose();
    }

    /// <summary>Titles and link counts computed independently by Python's html.parser (tests/peers/web/count_links.py).</summary>
    private static Dictionary<string, (int Links, string Title)> Reference(IEnumerable<string> files)
    {
        var psi = new ProcessStartInfo(PeerProcess.Require("python3")) { RedirectStandardOutput = true };
        psi.ArgumentList.Add(Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "web", "count_links.py"));
        foreach (var f in files) psi.ArgumentList.Add(f);
        using var p = Process.Start(psi)!;
        var result = new Dictionary<string, (int, string)>();
        while (p.StandardOutput.ReadLine() is { } line)
        {
            var parts = line.Split('\t');
            result[parts[0]] = (int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2]);
        }
        p.WaitForExit();
        return result;
    }

    [Fact]
    public async Task Real_python_doc_pages_match_an_independent_parser()
    {
        var files = Directory.EnumerateFiles(WebNginx.DocRoot, "*.html", SearchOption.AllDirectories).Order().Where((_, i) => i % 10 == 0).ToList();
        Assert.True(files.Count >= 50);
        var expected = Reference(files);
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(WebNginx.DocRoot, file).Replace('\\', '/');
            var fetched = await PageFetcher.FetchAsync(new Uri($"{_nginx.BaseUri}/{relative}"), new FetchOptions(), default);
            var page = await HtmlScraper.DescribeAsync(fetched.Value!);
            Assert.Equal(200, page.StatusCode);
            Assert.Equal((expected[file].Links, expected[file].Title), (page.LinkCount, page.Title));
            Assert.All(page.Links, l => Assert.True(Uri.IsWellFormedUriString(l.Href, UriKind.Absolute), $"{relative}: {l.Href} is not absolute"));
        }
    }

    [Theory]
    [InlineData("gbk.html", "网络编程教程", "这是一个用 GBK 编码的页面。")]
    [InlineData("sjis.html", "ネットワーク", "こんにちは")]
    [InlineData("utf8.html", "UTF-8 页面", "标题")]
    public async Task Legacy_encodings_come_out_as_correct_text(string page, string title, string text)
    {
        var fetched = (await PageFetcher.FetchAsync(new Uri($"{_nginx.BaseUri}/site/{page}"), new FetchOptions(), default)).Value!;
        Assert.Equal(title, (await HtmlScraper.DescribeAsync(fetched)).Title);
        var elements = await HtmlScraper.SelectAsync(fetched, ["h1", "p"]);
        Assert.Contains(elements, e => e.Text == text);
    }

    [Fact]
    public async Task Selectors_attributes_and_absolute_links()
    {
        var html = "<html><head><base href='http://example.org/docs/'></head><body><a class='ref' href='a.html'> A  <b>link</b></a><img src='/i.png'><a href='#top'>top</a><a href='javascript:void(0)'>js</a></body></html>";
        var source = new HtmlSource("http://127.0.0.1/", Encoding.UTF8.GetBytes(html), "text/html");
        var page = await HtmlScraper.DescribeAsync(source);
        Assert.Equal([new PageLink("http://example.org/docs/a.html", "A link")], page.Links);
        Assert.Equal(["http://example.org/i.png"], page.Images);
        var e = Assert.Single(await HtmlScraper.SelectAsync(source, ["a.ref"]));
        Assert.Equal(("a", "A link", "http://example.org/docs/a.html", "ref"), (e.Tag, e.Text, e.Href, e.Attributes["class"]));
        await Assert.ThrowsAsync<ArgumentException>(() => HtmlScraper.SelectAsync(source, ["a["]));
    }

    [Fact]
    public async Task Tables_expand_spans_and_name_missing_headers()
    {
        var html = """
            <table><tr><th>Name</th><th colspan="2">Range</th><th></th></tr>
            <tr><td rowspan="2">a</td><td>1</td><td>2</td><td>x</td></tr>
            <tr><td>3</td><td>4</td><td>y</td></tr></table>
            <table><tr><td>no</td><td>header</td></tr></table>
            """;
        var tables = await HtmlScraper.TablesAsync(new HtmlSource("", Encoding.UTF8.GetBytes(html), "text/html"), "table");
        Assert.Equal(["Name", "Range", "Range_2", "Column4"], tables[0].Columns);
        Assert.Equal([["a", "1", "2", "x"], ["a", "3", "4", "y"]], tables[0].Rows.Select(r => r.ToArray()));
        Assert.Equal(["Column1", "Column2"], tables[1].Columns);
        Assert.Equal(["no", "header"], tables[1].Rows[0]);
    }

    [Fact]
    public async Task Malformed_empty_and_binary_input_never_throws()
    {
        foreach (var bytes in new[] { Encoding.UTF8.GetBytes("<html><head><title>x</head><body><p>unclosed<div><table><tr><td>cell"), [], System.Security.Cryptography.RandomNumberGenerator.GetBytes(65536) })
        {
            var page = await HtmlScraper.DescribeAsync(new HtmlSource("http://127.0.0.1/", bytes, "text/html"));
            Assert.NotNull(page.Title);
        }
        var binary = (await PageFetcher.FetchAsync(new Uri($"{_nginx.BaseUri}/binary-as-html"), new FetchOptions(), default)).Value!;
        Assert.Equal(65536, binary.Content.Length);
        Assert.NotNull(await HtmlScraper.DescribeAsync(binary));
    }

    [Fact]
    public async Task Fetch_caps_the_body_and_reports_failures_with_ids()
    {
        var big = (await PageFetcher.FetchAsync(new Uri($"{_nginx.BaseUri}/big"), new FetchOptions { MaximumContentBytes = 1_000_000 }, default)).Value!;
        Assert.Equal(1_000_000, big.Content.Length);
        Assert.Equal("UnsupportedScheme", (await PageFetcher.FetchAsync(new Uri("ftp://x/"), new FetchOptions(), default)).Failure!.ErrorId);
        Assert.Equal("HostNotResolved", (await PageFetcher.FetchAsync(new Uri("http://no-such-host.invalid/"), new FetchOptions(), default)).Failure!.ErrorId);
        Assert.Equal("ConnectionRefused", (await PageFetcher.FetchAsync(new Uri($"http://127.0.0.1:{Loopback.ClosedTcpPort()}/"), new FetchOptions(), default)).Failure!.ErrorId);
        Assert.Equal("Timeout", (await PageFetcher.FetchAsync(new Uri($"{_nginx.BaseUri}/slow"), new FetchOptions { Timeout = TimeSpan.FromSeconds(1) }, default)).Failure!.ErrorId);
        Assert.Equal(500, (await PageFetcher.FetchAsync(new Uri($"{_nginx.BaseUri}/status/500"), new FetchOptions(), default)).Value!.StatusCode);
    }
}
