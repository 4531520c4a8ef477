using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scraping;

public sealed class InvokeScrapeTests : IClassFixture<InvokeScrapeTests.Peers>
{
    private readonly WebNginx _nginx;

    public InvokeScrapeTests(Peers peers) => _nginx = peers.Nginx;

    public sealed class Peers : IDisposable
    {
        public WebNginx Nginx { get; } = new();

        public void Dispose() => Nginx.Dispose();
    }

    [Fact]
    public void Page_selectors_attributes_and_tables()
    {
        var b = _nginx.BaseUri;
        var r = Ps.Run($$"""
            (Invoke-Scrape {{b}}/index.html).Title
            @(Invoke-Scrape {{b}}/index.html -Selector 'a.biglink' -Attribute href)[0]
            Invoke-Scrape {{b}}/site/utf8.html -Selector 'table.data' -AsTable | ForEach-Object { '{0}|{1}|{2}' -f $_.Name, $_.Range, $_.Range_2 }
            (Invoke-Scrape {{b}}/site/gbk.html).Title
            """);
        r.AssertNoErrors();
        Assert.Equal(["3.11.2 Documentation", $"{b}/whatsnew/3.11.html", "a|1|2", "a|3|4", "网络编程教程"], r.Output.Select(o => o.BaseObject.ToString()));
    }

    [Fact]
    public void Html_from_the_pipeline_and_files_from_get_childitem()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "a.html"), "<title>File A</title><a href='b.html'>b</a>");
        var r = Ps.Run($$"""
            '<title>T</title><a href="x.html">x</a>' | Invoke-Scrape -BaseUri 'http://example.org/d/' | ForEach-Object { $_.Title; $_.Links[0].Href }
            [pscustomobject]@{ Content = '<p class="c"> hello   world </p>' } | Invoke-Scrape -Selector 'p.c' | ForEach-Object Text
            [pscustomobject]@{ FullName = '{{dir.Path}}/a.html' } | Invoke-Scrape | ForEach-Object { $_.Title; $_.Links[0].Href -like 'file:///*b.html' }
            """);
        r.AssertNoErrors();
        Assert.Equal(["T", "http://example.org/d/x.html", "hello world", "File A", true], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Bad_input_is_reported_per_uri_and_the_rest_goes_on()
    {
        var b = _nginx.BaseUri;
        var r = Ps.Run($$"""
            Invoke-Scrape 'not a uri', 'ftp://example.org/', 'http://no-such-host.invalid/', '{{b}}/status/404', '{{b}}/index.html' -TimeoutSec 5 | ForEach-Object StatusCode
            Invoke-Scrape -Path /no/such/file.html
            """);
        Assert.Equal([404, 200], r.Output.Select(o => (int)o.BaseObject));
        Assert.Equal(["FileNotFound", "HostNotResolved", "InvalidUri", "UnsupportedScheme"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).Order());
    }

    [Fact]
    public void Invalid_selector_and_attribute_without_selector_are_clear_errors()
    {
        var r = Ps.Run($"Invoke-Scrape {_nginx.BaseUri}/index.html -Selector 'a['", timeoutSec: 20);
        Assert.StartsWith("InvalidSelector", Assert.Single(r.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        var a = Ps.Run($"Invoke-Scrape {_nginx.BaseUri}/index.html -Attribute href", timeoutSec: 20);
        Assert.StartsWith("AttributeWithoutSelector", Assert.Single(a.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }
}
