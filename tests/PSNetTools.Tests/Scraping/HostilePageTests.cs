using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scraping;

/// <summary>Issue 10, item 13: a page built to make the HTML parser burn CPU (80,000 nested div, 400 KB).</summary>
public sealed class HostilePageTests : IClassFixture<HostilePageTests.Peers>
{
    private readonly LyingHttpServer _server;

    public HostilePageTests(Peers peers) => _server = peers.Server;

    public sealed class Peers : IDisposable
    {
        public LyingHttpServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void An_80000_deep_page_ends_at_the_parse_time_limit_with_an_error_naming_it()
    {
        var deep = $"{_server.BaseUri}/deep?n=80000";
        var r = Ps.Run($$"""
            $w = [Diagnostics.Stopwatch]::StartNew()
            Invoke-Scrape '{{deep}}', '{{_server.BaseUri}}/page' | ForEach-Object Title
            'default {0}' -f ($w.Elapsed.TotalSeconds -lt 20)
            $w.Restart()
            Invoke-Scrape '{{deep}}' -ParseTimeoutSec 0.5 -Selector div -ErrorAction SilentlyContinue
            'lowered {0}' -f ($w.Elapsed.TotalSeconds -lt 5)
            Invoke-Crawl '{{deep}}' -Depth 0 -Selector div -ParseTimeoutSec 0.5 | ForEach-Object { 'crawl|' + ($_.Error -split ':')[0] }
            """, timeoutSec: 90);
        // The deep page is that URI's error; the next page is still scraped.
        Assert.Equal(["landed", "default True", "lowered True", "crawl|ParseTimeLimitExceeded"], r.Output.Select(o => o.BaseObject.ToString()));
        var error = r.Errors[0];
        Assert.Equal("ParseTimeLimitExceeded", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(System.Management.Automation.ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        Assert.Contains("10 s", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("-ParseTimeoutSec", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctrl_c_stops_the_parse_of_a_deep_page()
    {
        var r = Ps.RunAndStop($"Invoke-Scrape '{_server.BaseUri}/deep?n=80000' -ParseTimeoutSec 600", TimeSpan.FromSeconds(3));
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(5), $"took {r.Elapsed}");
    }

    [Fact]
    public void Ctrl_c_stops_the_parse_itself_not_only_the_pipeline()
    {
        // A parse left running after the pipeline returned would keep a core of the user's session busy for the rest
        // of its minute. In a process of its own, so the CPU measured after the stop is the parse's alone.
        var (code, stdout, stderr) = FreshProcess.Run($$"""
            $ps = [powershell]::Create()
            $null = $ps.AddScript("Import-Module '$ModuleManifestPath'; Invoke-Scrape '{{_server.BaseUri}}/deep?n=80000' -TimeoutSec 600 -ParseTimeoutSec 600")
            $run = $ps.BeginInvoke()
            Start-Sleep -Seconds 4
            $me = [Diagnostics.Process]::GetCurrentProcess()
            'parsing {0}' -f (-not $run.IsCompleted)
            $w = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            'stopped {0}' -f ($w.Elapsed.TotalSeconds -lt 2)
            $me.Refresh(); $cpu = $me.TotalProcessorTime
            Start-Sleep -Seconds 5
            $me.Refresh()
            'cpu {0:F2}' -f ($me.TotalProcessorTime - $cpu).TotalSeconds
            """, timeoutSec: 90);
        Assert.True(code == 0, stdout + stderr);
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("parsing True", lines);
        Assert.Contains("stopped True", lines);
        var cpu = double.Parse(lines.Single(l => l.StartsWith("cpu ", StringComparison.Ordinal))[4..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(cpu < 2, $"{cpu} s of CPU in the 5 s after Ctrl+C: the parse went on");
    }
}
