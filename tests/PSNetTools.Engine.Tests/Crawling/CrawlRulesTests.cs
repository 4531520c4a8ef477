using PSNetTools.Engine.Crawling;

namespace PSNetTools.Engine.Tests.Crawling;

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
