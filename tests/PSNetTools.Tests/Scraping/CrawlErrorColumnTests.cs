using System.Diagnostics;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scraping;

/// <summary>Issue 12 item 9: a page that failed shows its error as an error, in the Error property and in the view.</summary>
public class CrawlErrorColumnTests
{
    [Fact]
    public void A_refused_page_has_its_text_in_Error_not_Title()
    {
        var r = Ps.Run($"""
            $row = Invoke-Crawl 'http://127.0.0.1:{Loopback.ClosedTcpPort()}/' -Depth 0
            $row.Title -eq ''
            $row.Error -like 'ConnectionRefused*'
            """);
        r.AssertNoErrors();
        Assert.Equal([true, true], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public async Task The_default_view_does_not_show_error_text_under_a_Title_header()
    {
        // The xunit host has no Format-Table: the view is rendered by real pwsh, at the 80 columns of a default terminal.
        var script = $"Import-Module '{Ps.ModuleManifest}'; Invoke-Crawl 'http://127.0.0.1:{Loopback.ClosedTcpPort()}/' -Depth 0 | Format-Table | Out-String -Width 80";
        var psi = new ProcessStartInfo(PesterSuiteTests.Pwsh(), ["-NoProfile", "-NonInteractive", "-Command", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        using var pwsh = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderrTask = pwsh.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = await pwsh.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = await stderrTask;
        await pwsh.WaitForExitAsync(timeout.Token);
        var header = stdout.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("Depth", StringComparison.Ordinal));
        Assert.True(header is not null, $"no table header in: {stdout} {stderr}");
        Assert.Contains("Title or Error", header, StringComparison.Ordinal);
        Assert.Contains("ConnectionRefused", stdout, StringComparison.Ordinal);
    }
}
