using System.Diagnostics;
using System.Text;
using PSNetTools.Scraping;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Scraping;

/// <summary>Issue 13 item 20: hrefs resolve as Python's urljoin resolves them (BeautifulSoup code), side by side.</summary>
public sealed class UrlJoinParityTests
{
    private const string Page = "http://127.0.0.1:4080/a/index.html?q=1";

    // Where the two agree by design; spaces, case and default ports are the documented difference (canonical form).
    private static readonly string[] Hrefs =
        ["#", "", "  ", "#top", "https://pypi.org", "https://pypi.org/x?q=1#f", "b.html", "../b.html", "/root", "?page=2",
         "//other.example/x", "mailto:ops@example.org", "./c/d.html#sec", "http://127.0.0.1:4080/a/"];

    private static string[] PythonJoin(IEnumerable<string> hrefs)
    {
        var psi = new ProcessStartInfo(PeerProcess.Require("python3")) { RedirectStandardOutput = true, RedirectStandardInput = true, StandardOutputEncoding = Encoding.UTF8 };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import sys, json\nfrom urllib.parse import urljoin\nb, hs = json.load(sys.stdin)\nprint(json.dumps([urljoin(b, h.strip()) for h in hs]))");
        using var py = Process.Start(psi)!;
        py.StandardInput.Write(System.Text.Json.JsonSerializer.Serialize(new object[] { Page, hrefs }));
        py.StandardInput.Close();
        var json = py.StandardOutput.ReadToEnd();
        Assert.True(py.WaitForExit(30_000));
        return System.Text.Json.JsonSerializer.Deserialize<string[]>(json)!;
    }

    [Fact]
    public void Hrefs_resolve_as_urljoin_does()
    {
        var expected = PythonJoin(Hrefs);
        var ours = Hrefs.Select(h => UrlJoin.Resolve(new Uri(Page), h)).ToArray();
        // Old: "#" and "" gave "...index.html?q=1#" and the page with a trailing '#', "https://pypi.org" gained a '/'.
        Assert.Equal(expected, ours);
    }

    [Fact]
    public async Task Scraped_elements_carry_the_urljoin_href()
    {
        var html = "<a href='#'>self</a><a href=''>empty</a><a href='https://pypi.org'>pypi</a><a href='../b.html'>b</a>";
        var source = new HtmlSource(Page, Encoding.UTF8.GetBytes(html), "text/html");
        var hrefs = (await HtmlScraper.SelectAsync(source, ["a"])).Select(e => e.Href).ToArray();
        Assert.Equal(PythonJoin(["#", "", "https://pypi.org", "../b.html"]), hrefs);
        // Page links leave out what goes nowhere (documented): only pypi and b.
        var page = await HtmlScraper.DescribeAsync(source);
        Assert.Equal(["https://pypi.org", "http://127.0.0.1:4080/b.html"], page.Links.Select(l => l.Href));
    }
}
