using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Servers;

/// <summary>
/// Issue 12 item 3: scriptblocks passed through jobs or remoting arrive as strings. The test host cannot start jobs
/// (no pwsh executable), so the routes go through PSSerializer, the serialization Start-Job and remoting use.
/// </summary>
public sealed class StringHandlerTests
{
    [Fact]
    public void Routes_and_methods_that_went_through_serialization_still_run()
    {
        var r = Ps.Run("""
            $wire = { param($h) [Management.Automation.PSSerializer]::Deserialize([Management.Automation.PSSerializer]::Serialize($h)) }
            $routes = & $wire @{ 'GET /' = { 'from a job' }; 'GET /sum/{a}' = { param($Request) 1 + $Request.RouteValues['a'] } }
            $routes['GET /'].GetType().Name
            $web = Start-HttpServer -Port 0 -Route $routes
            $http = [Net.Http.HttpClient]::new()
            $http.GetStringAsync($web.Endpoint).GetAwaiter().GetResult()
            $http.GetStringAsync("$($web.Endpoint)sum/41").GetAwaiter().GetResult()
            $rpc = Start-XmlRpcServer -Port 0 -Method (& $wire @{ add = { param($x, $y) $x + $y } })
            Invoke-XmlRpc "http://127.0.0.1:$($rpc.Port)/RPC2" -Method add -Argument 3, 5
            Invoke-XmlRpc "http://127.0.0.1:$($rpc.Port)/RPC2" -Method system.methodHelp -Argument add
            $web, $rpc | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.Equal<object>(["String", "from a job", "42", 8, "add(x, y)"], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void A_method_string_that_does_not_parse_is_a_clear_error()
    {
        var r = Ps.Run("Start-XmlRpcServer -Port 0 -Method @{ bad = 'param($x' }", timeoutSec: 20);
        Assert.StartsWith("HandlerNotParsable", Assert.Single(r.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("'bad'", r.Errors[0].Exception.Message, StringComparison.Ordinal);
    }
}
