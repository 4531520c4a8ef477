using System.Net;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Servers;

/// <summary>Issue 10 item 19: a handler that sets a status or header HTTP cannot carry gets a 500, and the log says why.</summary>
public sealed class InvalidHandlerAnswerTests : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Invalid_statuses_and_header_values_are_500s_with_the_reason_logged()
    {
        var url = (string)Ps.Run("""
            (Start-HttpServer -Port 0 -Route @{
                'GET /s99'    = { param($Request) $Request.Response.StatusCode = 99; 'x' }
                'GET /s1000'  = { param($Request) $Request.Response.StatusCode = 1000; 'x' }
                'GET /crlf'   = { param($Request) $Request.Response.Headers['X-Evil'] = "a`r`nSet-Cookie: pwned=1"; 'x' }
                'GET /name'   = { param($Request) $Request.Response.Headers['Bad Name'] = 'v'; 'x' }
                'GET /ok'     = { param($Request) $Request.Response.StatusCode = 418; 'teapot' }
            }).Endpoint
            """).One().BaseObject;
        try
        {
            foreach (var path in new[] { "s99", "s1000", "crlf", "name" })
            {
                using var response = await _client.GetAsync(url + path);
                Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
                Assert.False(response.Headers.Contains("Set-Cookie"));
                Assert.Contains("not valid HTTP", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            using (var ok = await _client.GetAsync(url + "ok"))
            {
                Assert.Equal((HttpStatusCode)418, ok.StatusCode);
                Assert.Equal("teapot", await ok.Content.ReadAsStringAsync());
            }
            var log = Ps.Run($"(Get-NetServer | Where-Object Endpoint -eq '{url}').GetLog()").Output.Select(o => o.BaseObject.ToString()!).ToList();
            Assert.Contains(log, l => l.Contains("set status 99", StringComparison.Ordinal));
            Assert.Contains(log, l => l.Contains("set status 1000", StringComparison.Ordinal));
            Assert.Contains(log, l => l.Contains("header 'X-Evil' to a value with a line break", StringComparison.Ordinal));
            Assert.Contains(log, l => l.Contains("header named 'Bad Name'", StringComparison.Ordinal));
        }
        finally
        {
            Ps.Run($"Get-NetServer | Where-Object Endpoint -eq '{url}' | Stop-NetServer").AssertNoErrors();
        }
    }
}
