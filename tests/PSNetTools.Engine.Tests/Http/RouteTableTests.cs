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
    public void Converters_as_flask_and_asp_net_write_them_constrain_and_type_the_values()
    {
        // Before, '<int:id>' was a literal segment (every request 404) and '{id:int}' a placeholder named "id:int".
        var t = new RouteTable();
        var number = t.Add("GET /x/<int:n>");
        var real = t.Add("GET /x/{v:float}");
        var id = t.Add("GET /x/<uuid:u>");
        var name = t.Add("GET /x/<name>");
        var files = t.Add("GET /files/<path:rest>");
        var (index, values, _) = t.Match("GET", "/x/42");
        Assert.Equal((number, (object)42), (index, values["n"]));
        Assert.IsType<long>(t.Match("GET", "/x/9999999999").Values["n"]);
        Assert.Equal((real, (object)1.5), (t.Match("GET", "/x/1.5").Index, t.Match("GET", "/x/1.5").Values["v"]));
        var guid = Guid.NewGuid();
        Assert.Equal((id, (object)guid), (t.Match("GET", $"/x/{guid}").Index, t.Match("GET", $"/x/{guid}").Values["u"]));
        // What a converter refuses falls to the next route: '-1', '1e3', '.5' and '1.' are no int or float (Werkzeug).
        foreach (var text in new[] { "-1", "1e3", ".5", "1.", "bob", "%31%32x" })
        {
            var m = t.Match("GET", "/x/" + text);
            Assert.Equal(name, m.Index);
            Assert.IsType<string>(m.Values["name"]);
        }
        Assert.Equal((files, (object)"a/b c/d.txt"), (t.Match("GET", "/files/a/b%20c/d.txt").Index, t.Match("GET", "/files/a/b%20c/d.txt").Values["rest"]));
        Assert.Equal(-1, t.Match("GET", "/files/").Index);
        Assert.Equal(-1, t.Match("GET", "/files").Index);
    }

    [Theory]
    [InlineData("GET /x/<int:id", "placeholders look like")]
    [InlineData("GET /x/{id:int", "placeholders look like")]
    [InlineData("GET /x/<foo:id>", "the converters are string, int, float, uuid and path")]
    [InlineData("GET /x/{id:number}", "the converters are string, int, float, uuid and path")]
    [InlineData("GET /x/file.{ext}", "a placeholder is a whole segment")]
    [InlineData("GET /x/<path:p>/more", "must be the last segment")]
    [InlineData("GET /x/{a}/{A}", "twice")]
    [InlineData("GET /x/<int:>", "needs a name")]
    [InlineData("GET /x/{a:b:c}", "more than one ':'")]
    public void Malformed_placeholders_are_refused_with_what_to_write(string key, string words) =>
        Assert.Contains(words, Assert.Throws<ArgumentException>(() => new RouteTable().Add(key)).Message, StringComparison.Ordinal);

    [Fact]
    public void The_same_path_with_other_converters_is_another_route_and_with_the_same_one_a_duplicate()
    {
        var t = new RouteTable();
        t.Add("GET /a/<int:x>");
        t.Add("GET /a/{x}");
        Assert.Throws<ArgumentException>(() => t.Add("GET /a/{y:int}"));
    }

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
