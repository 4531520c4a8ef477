using PSNetTools.Scraping;

namespace PSNetTools.Engine.Tests.Scraping;

public class CrawlRulesTests
{
    [Theory]
    [InlineData("http://Example.ORG:80/a/../b/./c.html#frag", "http://example.org/b/c.html")]
    [InlineData("HTTPS://example.org:443", "https://example.org/")]
    [InlineData("http://example.org:8080/x?q=1#y", "http://example.org:8080/x?q=1")]
    [InlineData("../up.html", "http://example.org/up.html")]
    public void Urls_have_one_spelling(string href, string expected)
    {
        Assert.True(UrlNormalizer.TryNormalize(new Uri("http://example.org/dir/page.html"), href, out var n));
        Assert.Equal(expected, n.AbsoluteUri);
    }

    [Theory]
    [InlineData("mailto:a@example.org")]
    [InlineData("javascript:void(0)")]
    [InlineData("ftp://example.org/")]
    [InlineData("")]
    public void Non_http_links_are_not_followed(string href) =>
        Assert.False(UrlNormalizer.TryNormalize(new Uri("http://example.org/"), href, out _));

    [Fact]
    public void Robots_rules_pick_the_group_and_the_longest_match()
    {
        var robots = RobotsTxt.Parse("""
            # comment
            User-agent: *
            Disallow: /private/
            Allow: /private/open.html
            Disallow: /*.pdf$

            User-agent: PSNetTools
            User-agent: other
            Disallow: /only-for-us/
            """, "PSNetTools/0.1.0");
        Assert.False(robots.IsAllowed(new Uri("http://h/only-for-us/x")));
        Assert.True(robots.IsAllowed(new Uri("http://h/private/x")), "our own group replaces the * group");

        var generic = RobotsTxt.Parse("User-agent: *\nDisallow: /private/\nAllow: /private/open.html\nDisallow: /*.pdf$\n", "OtherBot/1");
        Assert.False(generic.IsAllowed(new Uri("http://h/private/secret.html")));
        Assert.True(generic.IsAllowed(new Uri("http://h/private/open.html")));
        Assert.False(generic.IsAllowed(new Uri("http://h/docs/a.pdf")));
        Assert.True(generic.IsAllowed(new Uri("http://h/docs/a.pdf?x=1")));
        Assert.True(generic.IsAllowed(new Uri("http://h/")));
        Assert.True(RobotsTxt.Parse("garbage\n\0\nUser-agent *", "x").IsAllowed(new Uri("http://h/a")));
    }
}

public class LinkScannerTests
{
    [Fact]
    public async Task The_fast_scanner_agrees_with_the_full_parser_on_real_pages()
    {
        var files = Directory.EnumerateFiles(PSNetTools.Testing.WebNginx.DocRoot, "*.html", SearchOption.AllDirectories).Order().Where((_, i) => i % 7 == 0).ToList();
        foreach (var file in files)
        {
            var uri = "http://127.0.0.1/" + Path.GetRelativePath(PSNetTools.Testing.WebNginx.DocRoot, file).Replace('\\', '/');
            var source = new PSNetTools.Scraping.HtmlSource(uri, File.ReadAllBytes(file), "text/html");
            var (title, links) = PSNetTools.Scraping.LinkScanner.Scan(source);
            var page = await PSNetTools.Scraping.HtmlScraper.DescribeAsync(source);
            Assert.Equal(page.Title, title);
            Assert.Equal(page.Links.Select(l => l.Href), links);
        }
    }

    [Fact]
    public void Comments_scripts_quotes_entities_and_base_are_handled()
    {
        var html = """
            <html><head><base href="http://example.org/b/"><title>A &amp; B</title>
            <script>var s = "<a href='no.html'>";</script><style>a { background: url(<a href=x>) }</style></head>
            <body><!-- <a href="commented.html"> --><A HREF=up.html>u</A><a class=x href = 'q.html?a=1&amp;b=2'>q</a>
            <a href="#frag">f</a><a href="javascript:x()">j</a><a name=anchor>n</a><area href="/map.html"></body></html>
            """;
        var (title, links) = PSNetTools.Scraping.LinkScanner.Scan(new PSNetTools.Scraping.HtmlSource("http://127.0.0.1/p.html", System.Text.Encoding.UTF8.GetBytes(html), "text/html"));
        Assert.Equal("A & B", title);
        Assert.Equal(["http://example.org/b/up.html", "http://example.org/b/q.html?a=1&b=2", "http://example.org/map.html"], links);
    }

    [Fact]
    public void Legacy_charsets_from_meta_or_header()
    {
        PSNetTools.Net.TextEncodings.EnsureCodePages();
        var bytes = System.Text.Encoding.GetEncoding("gbk").GetBytes("<meta charset=\"gbk\"><title>网络编程</title>");
        Assert.Equal("网络编程", PSNetTools.Scraping.LinkScanner.Scan(new PSNetTools.Scraping.HtmlSource("", bytes, null)).Title);
        Assert.Equal("网络编程", PSNetTools.Scraping.LinkScanner.Scan(new PSNetTools.Scraping.HtmlSource("", bytes, "text/html; charset=GBK")).Title);
    }
}
