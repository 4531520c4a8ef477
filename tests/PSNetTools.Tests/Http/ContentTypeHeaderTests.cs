using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Http;

/// <summary>Issue 12 item 9: a -Headers Content-Type replaces Test-HttpEndpoint's default, so the server parses the body.</summary>
public class ContentTypeHeaderTests
{
    [Fact]
    public void A_JSON_POST_arrives_as_application_json_only_and_is_parsed()
    {
        var r = Ps.Run("""
            $web = Start-HttpServer -Port 0 -Route @{ 'POST /echo' = { param($Request) "$($Request.ContentType)|$($Request.Body.a)" } }
            $uri = "http://127.0.0.1:$($web.Port)/echo"
            $json = Test-HttpEndpoint $uri -Method POST -Body '{"a":7}' -Headers @{ 'Content-Type' = 'application/json' } -ExpectContent '^application/json\|7$'
            $plain = Test-HttpEndpoint $uri -Method POST -Body 'x' -ExpectContent '^text/plain; charset=utf-8\|$'
            $json.Success, $json.Error, $plain.Success
            $web | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.Equal([true, "", true], r.Output.Select(o => o.BaseObject));
    }
}
