using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scraping;

/// <summary>Issue 10, items 11 and 15: link floods and a robots.txt that redirects off the allowed domains.</summary>
public sealed class HostileCrawlTests
{
    [Fact]
    public void A_flood_of_unique_links_keeps_memory_bounded_by_max_pages()
    {
        // Every page holds 40,000 unique links: the old crawler kept all of them (760,000 URIs for 20 pages).
        using var server = new LyingHttpServer(linksPerPage: 40_000);
        var (code, stdout, stderr) = FreshProcess.Run($$"""
            Import-Module $ModuleManifestPath
            function hwm { [long](([IO.File]::ReadAllLines('/proc/self/status') | Where-Object { $_ -like 'VmHWM*' }) -replace '\D', '') * 1024 }
            $null = Invoke-Crawl '{{server.BaseUri}}/links?n=50' -Depth 1 -MaxPages 5 -WarningAction SilentlyContinue
            [GC]::Collect()
            $before = hwm
            $rows = @(Invoke-Crawl '{{server.BaseUri}}/p/start' -Depth 2 -MaxPages 20 -WarningAction SilentlyContinue)
            'grew {0} rows {1}' -f ((hwm) - $before), $rows.Count
            """, timeoutSec: 180);
        Assert.True(code == 0, stdout + stderr);
        var line = stdout.Split('\n').Single(l => l.StartsWith("grew ", StringComparison.Ordinal)).Split(' ');
        var grew = long.Parse(line[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("20", line[3].Trim());
        Assert.True(grew < 200L * 1024 * 1024, $"peak memory grew by {grew / 1048576} MB for a 20-page crawl");
    }

    [Fact]
    public void Links_beyond_the_per_page_limit_and_the_frontier_are_reported()
    {
        using var server = new LyingHttpServer();
        var r = Ps.Run($$"""
            @(Invoke-Crawl '{{server.BaseUri}}/links?n=25000' -Depth 1 -MaxPages 3 -Verbose).Count
            @(Invoke-Crawl '{{server.BaseUri}}/links?n=30' -Depth 1 -MaxPages 50 -MaximumLinksPerPage 10).Count
            """);
        r.AssertNoErrors();
        Assert.Equal([3, 11], r.Output.Select(o => (int)o.BaseObject));
        Assert.Equal(2, r.Warnings.Count);
        Assert.Contains("20000", r.Warnings[0].Message.Replace(",", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.All(r.Warnings, w => Assert.Contains("-MaximumLinksPerPage", w.Message, StringComparison.Ordinal));
        Assert.Contains(r.Verbose, v => v.Message.Contains("-MaxPages", StringComparison.Ordinal) || v.Message.Contains("MaxPages", StringComparison.Ordinal));
    }

    [Fact]
    public void A_robots_txt_that_redirects_off_the_allowed_domains_is_not_fetched()
    {
        using var server = new LyingHttpServer(robotsTo: s => s.OtherHostUri + "/robots.txt");
        var r = Ps.Run($$"""
            Invoke-Crawl '{{server.BaseUri}}/page' -Depth 0 -Verbose | ForEach-Object { '{0}|{1}' -f $_.StatusCode, $_.Title }
            """);
        r.AssertNoErrors();
        Assert.Equal(["200|landed"], r.Output.Select(o => o.BaseObject.ToString()));
        Assert.DoesNotContain(server.Seen(), q => q.Listener.StartsWith("127.0.0.2", StringComparison.Ordinal));
        Assert.Contains(r.Verbose, v => v.Message.Contains("robots.txt", StringComparison.Ordinal));
    }
}
