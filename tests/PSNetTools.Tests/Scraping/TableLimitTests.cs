using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scraping;

/// <summary>A few kilobytes of spans must not expand into hundreds of megabytes: the table is that page's error.</summary>
public sealed class TableLimitTests
{
    [Fact]
    public void A_table_whose_spans_expand_past_a_million_cells_is_a_limit_error_and_the_next_page_is_read()
    {
        // 300 rows of ten colspan="1000" cells: 8 KB of HTML, 3,000,000 cells once expanded.
        var bomb = "<table>" + string.Concat(Enumerable.Repeat("<tr>" + string.Concat(Enumerable.Repeat("<td colspan=1000>x</td>", 10)) + "</tr>", 300)) + "</table>";
        var r = Ps.Run("""
            $before = [GC]::GetTotalMemory($true)
            $rows = @(Invoke-Scrape -Html $bomb -AsTable -ErrorVariable failed -ErrorAction SilentlyContinue)
            $after = [GC]::GetTotalMemory($false)
            "$($rows.Count)|$($failed[0].FullyQualifiedErrorId)|$($failed[0].CategoryInfo.Category)|$($failed[0].Exception.Message)|$(($after - $before) / 1MB)"
            (Invoke-Scrape -Html '<table><tr><th>a</th></tr><tr><td>1</td></tr></table>' -AsTable).a
            """, variables: new Dictionary<string, object?> { ["bomb"] = bomb });
        var parts = ((string)r.Output[0].BaseObject).Split('|');
        Assert.Equal("0", parts[0]);
        Assert.StartsWith("TableTooLarge", parts[1], StringComparison.Ordinal);
        Assert.Equal("LimitsExceeded", parts[2]);
        Assert.Contains("more than 1,000,000 cells", parts[3], StringComparison.Ordinal);
        Assert.Equal("1", r.Output[1].BaseObject);
    }
}
