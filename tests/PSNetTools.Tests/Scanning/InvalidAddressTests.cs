using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Scanning;

/// <summary>
/// Issue 10 item 16: what looks like an IPv4 address but is not one (256.0.0.1, 1.2.3, 1.2.3.4.5...) is an invalid
/// target in every fan-out cmdlet, never a name sent to DNS nor another address. Run in a network namespace of its
/// own whose resolver is a spy on loopback: the spy's log proves no resolver was asked, and even a broken parser could
/// send nothing off the machine (the old one read 1.2.3 as 1.2.0.3).
/// </summary>
public class InvalidAddressTests
{
    private static readonly string[] Cmdlets =
        ["Find-OpenPort", "Test-Ping", "Test-TcpEcho", "Test-UdpEcho", "Send-TcpMessage", "Send-UdpMessage", "Get-TlsCertificate"];

    [Fact]
    public void Dotted_numbers_that_are_not_IPv4_are_InvalidTarget_without_any_DNS_query()
    {
        var (code, stdout, stderr, queries) = FreshProcess.RunIsolated("""
            Import-Module $ModuleManifestPath
            $targets = '256.0.0.1', '1.2.3', '1.2.3.4.5', '127.0.0.256', '2130706433', '010.0.0.1'
            $runs = [ordered]@{
                'Find-OpenPort'      = { Find-OpenPort $targets -Port 9 -TimeoutSec 0.2 -IncludeClosed }
                'Test-Ping'          = { Test-Ping $targets -Count 1 -TimeoutSec 0.2 }
                'Test-TcpEcho'       = { Test-TcpEcho $targets -Port 9 -TimeoutSec 0.2 }
                'Test-UdpEcho'       = { Test-UdpEcho $targets -Port 9 -TimeoutSec 0.2 }
                'Send-TcpMessage'    = { Send-TcpMessage $targets -Port 9 -Message hi -TimeoutSec 0.2 -ReadTimeoutSec 0.2 }
                'Send-UdpMessage'    = { Send-UdpMessage $targets -Port 9 -Message hi -ReadTimeoutSec 0.2 }
                'Get-TlsCertificate' = { Get-TlsCertificate $targets -Port 9 -TimeoutSec 0.2 }
            }
            foreach ($name in $runs.Keys) {
                $watch = [Diagnostics.Stopwatch]::StartNew()
                foreach ($item in @(& $runs[$name] 2>&1)) {
                    if ($item -is [System.Management.Automation.ErrorRecord]) {
                        'err|{0}|{1}|{2}|{3}' -f $name, $item.FullyQualifiedErrorId.Split(',')[0], $item.TargetObject, $item.Exception.Message
                    } else { 'out|{0}|{1}' -f $name, $item }
                }
                'ms|{0}|{1}' -f $name, $watch.ElapsedMilliseconds
            }
            """, timeoutSec: 120);
        Assert.True(code == 0, $"exit code {code}: {stdout}{stderr}");
        Assert.Empty(queries);
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, l => l.StartsWith("out|", StringComparison.Ordinal));
        foreach (var cmdlet in Cmdlets)
        {
            var errors = lines.Where(l => l.StartsWith($"err|{cmdlet}|", StringComparison.Ordinal)).Select(l => l.Split('|')).ToList();
            Assert.Equal(6, errors.Count);
            Assert.All(errors, e =>
            {
                Assert.Equal("InvalidTarget", e[2]);
                Assert.Contains("is not a valid IPv4 address", e[4], StringComparison.Ordinal);
            });
            var ms = long.Parse(lines.Single(l => l.StartsWith($"ms|{cmdlet}|", StringComparison.Ordinal)).Split('|')[2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(ms < 5000, $"{cmdlet} took {ms} ms to refuse six invalid addresses");
        }
    }

    // The cmdlets of one server or URL read their host the same way: System.Uri took http://256.0.0.1/ for a DNS name,
    // and the mail and gRPC cmdlets passed 256.0.0.1 to the resolver as one; so did a redirect to it.
    [Fact]
    public void A_url_or_server_whose_host_is_not_IPv4_is_refused_without_any_DNS_query()
    {
        var (code, stdout, stderr, queries) = FreshProcess.RunIsolated("""
            Import-Module $ModuleManifestPath
            $cred = [pscredential]::new('u', [Net.NetworkCredential]::new('', 'p').SecurePassword)
            $web = Start-HttpServer -Port 0 -Route @{ 'GET /away' = { $Request.Response.StatusCode = 302; $Request.Response.Headers['Location'] = 'http://256.0.0.1/'; 'moved' } }
            $away = "$($web.Endpoint)away"
            $runs = [ordered]@{
                'Test-HttpEndpoint'     = { Test-HttpEndpoint http://256.0.0.1/ -TimeoutSec 2 }
                'Test-HttpEndpoint-1.2.3.4.5' = { Test-HttpEndpoint http://1.2.3.4.5/ -TimeoutSec 2 }
                'Test-HttpEndpoint-redirect' = { Test-HttpEndpoint $away -TimeoutSec 2 }
                'Invoke-Scrape'         = { Invoke-Scrape http://256.0.0.1/ -TimeoutSec 2 }
                'Invoke-Scrape-redirect' = { Invoke-Scrape $away -TimeoutSec 2 }
                'Invoke-Crawl'          = { Invoke-Crawl http://256.0.0.1/ -TimeoutSec 2 }
                'Invoke-XmlRpc'         = { Invoke-XmlRpc http://256.0.0.1/ -Method a -TimeoutSec 2 }
                'Connect-WebSocket'     = { Connect-WebSocket ws://256.0.0.1/ -TimeoutSec 2 }
                'Invoke-GrpcMethod'     = { Invoke-GrpcMethod 256.0.0.1:50051 a.B/C -Plaintext }
                'Invoke-GrpcMethod-url' = { Invoke-GrpcMethod http://256.0.0.1:50051 a.B/C }
                'Test-GrpcHealth'       = { Test-GrpcHealth 256.0.0.1:50051 -Plaintext }
                'Send-Mail'             = { Send-Mail -SmtpServer 256.0.0.1 -From a@example.test -To b@example.test -Subject s -Body b -Confirm:$false -TimeoutSec 2 }
                'Get-ImapFolder'        = { Get-ImapFolder 256.0.0.1 -Credential $cred -TimeoutSec 2 }
                'Get-Pop3Message'       = { Get-Pop3Message 256.0.0.1 -Credential $cred -TimeoutSec 2 }
            }
            foreach ($name in $runs.Keys) {
                $items = try { @(& $runs[$name] 2>&1) } catch { @($_) }
                foreach ($item in $items) {
                    if ($item -is [System.Management.Automation.ErrorRecord]) { 'err|{0}|{1}|{2}' -f $name, $item.FullyQualifiedErrorId.Split(',')[0], $item.Exception.Message }
                    elseif ($null -ne $item.PSObject.Properties['Error']) { 'out|{0}|{1}' -f $name, $item.Error }
                    else { 'out|{0}|{1}' -f $name, $item }
                }
            }
            Stop-NetServer $web
            'done|'
            """, timeoutSec: 120);
        // Caught terminating errors count as errors of the host (exit code 1); the last line shows the session lived.
        Assert.True(stdout.Contains("done|", StringComparison.Ordinal), $"exit code {code}: {stdout}{stderr}");
        Assert.Empty(queries);
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string[] names = ["Test-HttpEndpoint", "Test-HttpEndpoint-1.2.3.4.5", "Test-HttpEndpoint-redirect", "Invoke-Scrape", "Invoke-Scrape-redirect", "Invoke-Crawl",
            "Invoke-XmlRpc", "Connect-WebSocket", "Invoke-GrpcMethod", "Invoke-GrpcMethod-url", "Test-GrpcHealth", "Send-Mail", "Get-ImapFolder", "Get-Pop3Message"];
        foreach (var name in names)
        {
            var line = Assert.Single(lines, l => l.Split('|') is [_, var n, ..] && n == name);
            // Test-HttpEndpoint and Invoke-Crawl report a failed URL in their output; the others as an error.
            Assert.Contains("is not a valid IPv4 address", line, StringComparison.Ordinal);
            Assert.Contains(name.EndsWith("1.2.3.4.5", StringComparison.Ordinal) ? "has 5 parts" : "'256'", line, StringComparison.Ordinal);
            Assert.Contains(name is "Connect-WebSocket" or "Invoke-GrpcMethod" or "Invoke-GrpcMethod-url" or "Test-GrpcHealth" ? "InvalidArgument" : "InvalidTarget", line, StringComparison.Ordinal);
        }
        Assert.Contains("redirects to http://256.0.0.1/", Assert.Single(lines, l => l.Contains("|Test-HttpEndpoint-redirect|", StringComparison.Ordinal)), StringComparison.Ordinal);
    }
}
