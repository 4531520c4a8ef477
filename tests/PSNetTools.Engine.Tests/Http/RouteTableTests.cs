using PSNetTools.Http;

namespace PSNetTools.Engine.Tests.Http;

public class RouteTableTests
{
    [Fact]
    public void Matches_literals_placeholders_and_methods()
    {
        var t = new RouteTable();
        var root = t.Add("GET /");
        var user = t.Add("GET /users/{id}");
        var me = t.Add("get /users/me");
        var post = t.Add("POST /users");
        var any = t.Add("* /anything");
        Assert.Equal(root, t.Match("GET", "/").Index);
        Assert.Equal(root, t.Match("HEAD", "/").Index);
        var (index, values, _) = t.Match("GET", "/users/42?x=1");
        Assert.Equal((user, "42"), (index, values["id"]));
        Assert.Equal(me, t.Match("GET", "/users/me").Index); // literal wins over the placeholder
        Assert.Equal("a b", t.Match("GET", "/users/a%20b").Values["id"]);
        Assert.Equal(post, t.Match("POST", "/users").Index);
        Assert.Equal(any, t.Match("DELETE", "/anything").Index);
        var notAllowed = t.Match("DELETE", "/users");
        Assert.Equal(-1, notAllowed.Index);
        Assert.Equal(["OPTIONS", "POST"], notAllowed.Allowed);
        var notFound = t.Match("GET", "/nope");
        Assert.Equal((-1, 0), (notFound.Index, notFound.Allowed.Count));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("GET")]
    [InlineData("GET users")]
    [InlineData("FETCH /")]
    [InlineData("GET /users/{id")]
    [InlineData("GET /users/{}")]
    public void Rejects_malformed_routes_with_a_message(string key) =>
        Assert.Contains(key.Split(' ')[0], Assert.Throws<ArgumentException>(() => new RouteTable().Add(key)).Message, StringComparison.Ordinal);

    [Fact]
    public void Rejects_duplicates()
    {
        var t = new RouteTable();
        t.Add("GET /a/{x}");
        Assert.Throws<ArgumentException>(() => t.Add("GET /a/{y}"));
    }

    [Fact]
    public void Bodies_parse_from_json_and_forms()
    {
        var json = Assert.IsType<System.Collections.Specialized.OrderedDictionary>(RequestBody.Parse("{\"name\":\"张三\",\"n\":[1,2.5,true,null]}", "application/json; charset=utf-8"));
        Assert.Equal("张三", json["name"]);
        Assert.Equal(new object?[] { 1, 2.5, true, null }, ((List<object?>)json["n"]!).ToArray());
        var form = Assert.IsType<System.Collections.Hashtable>(RequestBody.Parse("a=1&b=x+y%21", "application/x-www-form-urlencoded"));
        Assert.Equal(("1", "x y!"), (form["a"], form["b"]));
        Assert.Equal("plain", RequestBody.Parse("plain", "text/plain"));
        Assert.Null(RequestBody.Parse("", "application/json"));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => RequestBody.Parse("{bad", "application/json"));
    }
}
