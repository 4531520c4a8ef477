using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Servers;

/// <summary>
/// Issue 12: a route answers what ConvertTo-Json -Compress -EnumsAsStrings gives for the same value at the prompt (the
/// hand-written serializer before it wrote dates with 7 fractional digits and an offset ConvertTo-Json leaves out,
/// and cut levels one earlier than ConvertTo-Json -Depth).
/// </summary>
public sealed class RouteJsonTests
{
    private const string Value = """
        function value {
            [ordered]@{
                Day     = [DayOfWeek]::Friday
                Local   = [datetime]::new(2026, 12, 1, 8, 30, 15, 250, [DateTimeKind]::Local)
                Utc     = [datetime]::new(2026, 12, 1, 8, 30, 15, [DateTimeKind]::Utc)
                Offset  = [DateTimeOffset]::new(2026, 12, 1, 8, 30, 15, [TimeSpan]::FromHours(2))
                Nested  = [pscustomobject]@{ Name = 'inner'; Items = 1, 'two', $null, 3.5; Deeper = @{ Kind = [IO.FileAttributes]'ReadOnly, Hidden' } }
                Version = [version]'1.2.3'
                Span    = [TimeSpan]::FromSeconds(90)
                Text    = "quote `" tab `t <tag> & é 😀"
            }
        }
        """;

    private static string Json(string script)
    {
        var r = Ps.Run(Value + "\n" + script);
        r.AssertNoErrors();
        return (string)r.One().BaseObject;
    }

    private static string[] Answers(string route, string extra)
    {
        var r = Ps.Run($$"""
        {{Value}}
        $web = Start-HttpServer -Port 0 {{extra}} -Route @{ 'GET /' = {{route}} }
        try {
            $http = [Net.Http.HttpClient]::new()
            $http.GetStringAsync($web.Endpoint).GetAwaiter().GetResult()
        }
        finally { $web | Stop-NetServer }
        """);
        r.AssertNoErrors();
        return [.. r.Output.Select(o => (string)o.BaseObject)];
    }

    [Fact]
    public void A_hashtable_with_an_enum_dates_and_nested_objects_answers_what_ConvertTo_Json_gives()
    {
        var expected = Json("value | ConvertTo-Json -Compress -EnumsAsStrings -Depth 4");
        Assert.Contains("\"Day\":\"Friday\"", expected, StringComparison.Ordinal);
        var answer = Answers("{ " + Value + "\nvalue }", "");
        Assert.Equal([expected], answer);
    }

    [Fact]
    public void Several_outputs_answer_what_ConvertTo_Json_gives_for_the_array()
    {
        var expected = Json("ConvertTo-Json -InputObject @((value), [DayOfWeek]::Monday, 42) -Compress -EnumsAsStrings -Depth 4");
        Assert.Equal([expected], Answers("{ " + Value + "\nvalue; [DayOfWeek]::Monday; 42 }", ""));
    }

    [Fact]
    public void JsonDepth_is_ConvertTo_Json_Depth()
    {
        var expected = Json("value | ConvertTo-Json -Compress -EnumsAsStrings -Depth 1 -WarningAction Ignore");
        Assert.Contains("\"Deeper\":\"System.Collections.Hashtable\"", expected, StringComparison.Ordinal);
        Assert.Equal([expected], Answers("{ " + Value + "\nvalue }", "-JsonDepth 1"));
    }
}
