using System.Collections;
using System.Text;
using PSNetTools.XmlRpc;

namespace PSNetTools.Engine.Tests.XmlRpc;

/// <summary>
/// The codec's reader on documents a hostile peer sends. Depths here stay small enough that even a recursive reader
/// would survive them: the 400,000-deep crash cases run in a child process (PSNetTools.Tests XmlRpcHostileTests).
/// </summary>
public class XmlRpcCodecTests
{
    private static MemoryStream Xml(string text) => new(Encoding.UTF8.GetBytes(text));

    private static string Call(string value) => $"<methodCall><methodName>m</methodName><params><param>{value}</param></params></methodCall>";

    private static string Nested(int levels) =>
        string.Concat(Enumerable.Repeat("<value><array><data>", levels)) + "<value>x</value>" + string.Concat(Enumerable.Repeat("</data></array></value>", levels));

    [Fact]
    public void Values_nested_past_the_limit_are_refused_as_they_open_and_at_the_limit_are_read()
    {
        var ex = Assert.Throws<XmlRpcLimitException>(() => XmlRpcCodec.ReadCall(Xml(Call(Nested(5000)))));
        Assert.Equal(("MaxDepth", "the request nests values deeper than 64 levels."), (ex.Limit, ex.Message));
        var (_, parameters) = XmlRpcCodec.ReadCall(Xml(Call(Nested(63))));
        var level = parameters[0];
        for (var i = 0; i < 63; i++) level = Assert.Single((object?[])level!);
        Assert.Equal("x", level);
        Assert.Throws<XmlRpcLimitException>(() => XmlRpcCodec.ReadCall(Xml(Call(Nested(10))), new XmlRpcReadLimits { MaxDepth = 5 }));
    }

    [Theory]
    [InlineData("<methodCall><methodName><a><a/></a></methodName></methodCall>", "<methodName> holds an element <a>")]
    [InlineData("<methodCall><methodName>m</methodName><params><param><value><string>t<b/></string></value></param></params></methodCall>", "<string> holds an element <b>")]
    [InlineData("<methodCall><methodName>m</methodName><params><param><value><i4>1</i4><i4>2</i4></value></param></params></methodCall>", "two values")]
    [InlineData("<methodCall><methodName>m</methodName><params><param><value>t<i4>1</i4></value></param></params></methodCall>", "both text and a typed value")]
    [InlineData("<methodCall><methodName>m</methodName><params><x/></params></methodCall>", "<params> holds <x>")]
    [InlineData("<methodCall><methodName>m</methodName><params><param><value><struct><member><name>a<c/></name></member></struct></value></param></params></methodCall>", "<name> holds an element <c>")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]><methodCall><methodName>&e;</methodName></methodCall>", "malformed XML")]
    [InlineData("<methodCall><methodName>m</methodName></methodCall><methodCall/>", "malformed XML")]
    [InlineData("<methodCall><params/></methodCall>", "no methodName")]
    [InlineData("<methodCall><methodName>m</methodName><params><param><value><i4>99999999999</i4></value></param></params></methodCall>", "out of range")]
    public void Malformed_calls_are_format_errors_that_say_why(string xml, string reason)
    {
        var ex = Assert.ThrowsAny<FormatException>(() => XmlRpcCodec.ReadCall(Xml(xml)));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_over_the_byte_cap_is_refused_while_it_is_read()
    {
        var xml = Call("<value><string>" + new string('x', 10_000) + "</string></value>");
        var ex = Assert.Throws<XmlRpcLimitException>(() => XmlRpcCodec.ReadCall(Xml(xml), new XmlRpcReadLimits { MaxBytes = 4096 }));
        Assert.Equal(("MaxBytes", "the request is larger than 4,096 bytes."), (ex.Limit, ex.Message));
    }

    [Fact]
    public void Whitespace_carriage_returns_empty_elements_and_an_empty_member_name_round_trip()
    {
        string[] strings = ["   ", "a\r\nb\rc", "\t\n ", ""];
        var map = new System.Collections.Specialized.OrderedDictionary { [""] = 1, ["x"] = Array.Empty<object?>() };
        var bytes = XmlRpcCodec.Call("echo", [.. strings, map]);
        Assert.Contains("&#xD;", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        var (method, parameters) = XmlRpcCodec.ReadCall(new MemoryStream(bytes));
        Assert.Equal("echo", method);
        Assert.Equal(strings, parameters.Take(4));
        var back = (IDictionary)parameters[4]!;
        Assert.Equal((1, 0), (back[""], ((object?[])back["x"]!).Length));
        // What other implementations send: untyped and empty values, a member whose value comes first, comments.
        var (_, others) = XmlRpcCodec.ReadCall(Xml("<methodCall><methodName> m </methodName><params><param><value>  </value></param><param><value/></param>"
            + "<param><value><struct><member><value><nil/></value><name></name></member></struct></value></param><param><value><string>a<!-- c -->b</string></value></param></params></methodCall>"));
        Assert.Equal<object?>(["  ", "", null, "ab"], [others[0], others[1], ((IDictionary)others[2]!)[""], others[3]]);
    }

    [Fact]
    public void Faults_and_answers_are_read_the_same_way()
    {
        var fault = Assert.Throws<XmlRpcFaultException>(() => XmlRpcCodec.ReadResponse(new MemoryStream(XmlRpcCodec.Fault(-32601, "no such method\r\n"))));
        Assert.Equal((-32601, "no such method\r\n"), (fault.FaultCode, fault.FaultString));
        Assert.Equal(42, XmlRpcCodec.ReadResponse(new MemoryStream(XmlRpcCodec.Response(42))));
        Assert.Null(XmlRpcCodec.ReadResponse(Xml("<methodResponse><params/></methodResponse>")));
        var deep = Assert.Throws<XmlRpcLimitException>(() => XmlRpcCodec.ReadResponse(Xml("<methodResponse><params><param>" + Nested(100) + "</param></params></methodResponse>")));
        Assert.Equal("the answer nests values deeper than 64 levels.", deep.Message);
        Assert.Contains("faultCode", Assert.ThrowsAny<FormatException>(() => XmlRpcCodec.ReadResponse(Xml(
            "<methodResponse><fault><value><struct><member><name>faultCode</name><value><i8>99999999999</i8></value></member></struct></value></fault></methodResponse>"))).Message, StringComparison.Ordinal);
    }
}
