using System.Net;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Servers;

/// <summary>
/// Issue 10 item 18: a handler that writes an error record (a .NET method exception PowerShell turned into a
/// non-terminating error, or Write-Error) fails the call instead of answering 204 / nil with nothing logged.
/// </summary>
public sealed class HandlerErrorTests : IDisposable
{
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(20) };

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Http_handler_errors_are_a_generic_500_and_the_log_has_the_message()
    {
        var url = (string)Ps.Run("""
            (Start-HttpServer -Port 0 -Route @{
                'GET /io'    = { [IO.File]::ReadAllText('/nonexistent/psnt-secret-path') }
                'GET /write' = { Write-Error 'written error detail'; 'and then output' }
                'GET /fine'  = { 'fine' }
            }).Endpoint
            """).One().BaseObject;
        try
        {
            foreach (var path in new[] { "io", "write" })
            {
                using var answer = await _client.GetAsync(url + path);
                Assert.Equal((HttpStatusCode.InternalServerError, "{\"error\":\"Internal Server Error\",\"status\":500}"), (answer.StatusCode, await answer.Content.ReadAsStringAsync()));
            }
            Assert.Equal("fine", await _client.GetStringAsync(url + "fine"));
            var log = Ps.Run($"(Get-NetServer | Where-Object Endpoint -eq '{url}').GetLog()").Output.Select(o => o.BaseObject.ToString()!).ToList();
            Assert.Contains(log, l => l.Contains("GET /io: the handler failed:", StringComparison.Ordinal) && l.Contains("/nonexistent/psnt-secret-path", StringComparison.Ordinal));
            Assert.Contains(log, l => l.Contains("GET /write: the handler failed: written error detail", StringComparison.Ordinal));
        }
        finally
        {
            Ps.Run($"Get-NetServer | Where-Object Endpoint -eq '{url}' | Stop-NetServer").AssertNoErrors();
        }
    }

    [Fact]
    public void XmlRpc_handler_errors_are_faults_carrying_the_message_and_no_stack_trace()
    {
        var r = Ps.Run("""
            $rpc = Start-XmlRpcServer -Port 0 -Method @{
                io    = { [IO.File]::ReadAllText('/nonexistent/file') }
                write = { Write-Error 'written error detail'; 'and then output' }
                fine  = { 'fine' }
            }
            $u = "http://127.0.0.1:$($rpc.Port)/RPC2"
            foreach ($m in 'io', 'write') {
                try { $null = Invoke-XmlRpc $u -Method $m -ErrorAction Stop; "$m returned" } catch { "$($_.Exception.FaultCode)|$($_.Exception.FaultString)" }
            }
            Invoke-XmlRpc $u -Method fine
            $rpc.GetLog() | Where-Object { $_ -notlike '*"POST /RPC2*' }
            $rpc | Stop-NetServer
            """);
        var io = ((string)r.Output[0].BaseObject).Split('|');
        Assert.Equal("1", io[0]);
        Assert.Contains("Could not find a part of the path '/nonexistent/file'", io[1], StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", io[1], StringComparison.Ordinal);
        Assert.Equal("1|written error detail", r.Output[1].BaseObject);
        Assert.Equal("fine", r.Output[2].BaseObject);
        // Logged with the message too, as the HTTP server logs it (the old code logged only the access line).
        var log = r.Output.Skip(3).Select(o => o.BaseObject.ToString()!).ToList();
        Assert.Contains(log, l => l.StartsWith("io: the handler failed: ", StringComparison.Ordinal) && l.Contains("/nonexistent/file", StringComparison.Ordinal));
        Assert.Contains("write: the handler failed: written error detail", log);
    }

    [Fact]
    public void An_xmlrpc_result_that_xml_cannot_carry_is_a_fault_not_a_broken_answer()
    {
        var r = Ps.Run("""
            $rpc = Start-XmlRpcServer -Port 0 -Method @{ nul = { "a$([char]0)b" }; fine = { 'fine' } }
            $u = "http://127.0.0.1:$($rpc.Port)/RPC2"
            try { $null = Invoke-XmlRpc $u -Method nul -ErrorAction Stop; 'returned' } catch { "$($_.Exception.FaultCode)|$($_.Exception.FaultString)" }
            Invoke-XmlRpc $u -Method fine
            $rpc | Stop-NetServer
            """);
        Assert.Equal("-32603|The result of nul cannot be written as XML-RPC: it holds a character XML cannot carry (such as NUL).", r.Output[0].BaseObject);
        Assert.Equal("fine", r.Output[1].BaseObject);
    }
}
