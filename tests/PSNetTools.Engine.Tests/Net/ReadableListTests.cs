using PSNetTools.Net;
using PSNetTools.Scraping;

namespace PSNetTools.Engine.Tests.Net;

/// <summary>
/// Export-Csv writes a value's ToString(): the records' lists and dictionaries must read as their items, not as
/// System.Collections.Generic.List`1[...] (issue 12 item 1), and stay copies of what the engine handed them.
/// </summary>
public class ReadableListTests
{
    [Fact]
    public void A_record_list_reads_as_its_items_and_is_a_copy()
    {
        var links = new List<PageLink> { new("http://127.0.0.1/a", "A"), new("http://127.0.0.1/b", "B") };
        var page = new HtmlPage { Uri = "http://127.0.0.1/", Links = links, Headings = ["h1: Hi", "h2: There"] };
        links.Clear();
        Assert.Equal(2, page.LinkCount);
        Assert.Equal("http://127.0.0.1/a; http://127.0.0.1/b", page.Links.ToString());
        Assert.Equal("h1: Hi; h2: There", page.Headings.ToString());
        Assert.Equal("", page.Images.ToString());
        // A `with` copy keeps the list it was given as it is.
        var copy = page with { Title = "t" };
        Assert.Same(page.Links, copy.Links);
    }

    [Fact]
    public void Matched_elements_read_as_their_text_and_attributes_as_pairs()
    {
        var element = new ScrapedElement
        {
            Uri = "http://127.0.0.1/", Selector = "p", Tag = "p", Text = "We test things.",
            Attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["class"] = "x", ["id"] = "p1" },
        };
        Assert.Equal("class=x; id=p1", element.Attributes.ToString());
        // The scraper's case-insensitive lookup survives the copy.
        Assert.Equal("x", element.Attributes["CLASS"]);
        var crawl = new CrawlPage { Uri = "http://127.0.0.1/", Items = [element, element with { Text = "More." }] };
        Assert.Equal("We test things.; More.", crawl.Items.ToString());
    }
}
