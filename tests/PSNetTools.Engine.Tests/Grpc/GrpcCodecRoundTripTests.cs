using System.Collections;
using PSNetTools.Grpc.Codec;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Grpc;

/// <summary>
/// Every field shape through the Node.js peer's Echo, which returns the request bytes as they came: what we encode
/// must decode back to the same values, and grpc-js must have accepted it as a valid test.v1.AllTypes.
/// </summary>
public sealed class GrpcCodecRoundTripTests
{
    private static readonly byte[] Bytes = [0, 1, 254, 255];
    private static readonly int[] FiveSix = [5, 6];

    private static Dictionary<string, object?> Body(params (string Key, object? Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    [Fact]
    public async Task Every_scalar_enum_nested_repeated_map_oneof_and_well_known_type_round_trips()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var created = new DateTime(2026, 11, 30, 12, 34, 56, 789, DateTimeKind.Utc);
        var body = Body(
            ("double_value", 1.5), ("floatValue", 2.25f), ("int32_value", -42), ("int64_value", long.MinValue),
            ("uint32_value", uint.MaxValue), ("uint64_value", ulong.MaxValue), ("sint32_value", -7), ("sint64_value", "-9000000000"),
            ("fixed32_value", 7u), ("fixed64_value", 8UL), ("sfixed32_value", -9), ("sfixed64_value", -10L),
            ("bool_value", true), ("string_value", "你好, gRPC"), ("bytes_value", Bytes),
            ("color", "GREEN"), ("nested", Body(("name", "n"), ("value", 3))),
            ("repeated_int32", new object[] { 1, 2, 300000 }), ("repeated_string", new List<string> { "a", "b" }),
            ("repeated_inner", new object[] { Body(("name", "x")), Body(("name", "y"), ("value", 2)) }),
            ("repeated_color", new object[] { "RED", 2 }),
            ("int_map", new Hashtable { ["one"] = 1, ["two"] = 2 }),
            ("inner_map", new Hashtable { ["5"] = Body(("name", "five")), [6L] = Body(("value", 6)) }),
            ("string_map", new Hashtable { ["k"] = "v" }),
            ("inner", Body(("name", "chosen"))),
            ("maybe", 0),
            ("created_at", created), ("elapsed", TimeSpan.FromMilliseconds(1500)),
            ("int32_wrapper", 0), ("string_wrapper", "wrapped"), ("bool_wrapper", false), ("int64_wrapper", 1L << 40),
            ("double_wrapper", 0.5), ("bytes_wrapper", "AQI="),
            ("struct_value", Body(("a", 1), ("b", new object?[] { "x", true, null }), ("c", Body(("d", "e"))))),
            ("json_value", "just a string"), ("list_value", new object?[] { 1, "two" }),
            ("empty", new Hashtable()), ("field_mask", "a,b.c"),
            ("any_value", Body(("@type", "type.googleapis.com/test.v1.AllTypes.Inner"), ("name", "in any"), ("value", 9))));

        var echo = Assert.IsType<ProtoMessage>(await client.UnaryAsync("test.v1.KitchenSink/Echo", body));

        Assert.Equal("test.v1.AllTypes", echo.TypeName);
        Assert.Equal(1.5, echo["doubleValue"]);
        Assert.Equal(2.25f, echo["floatValue"]);
        Assert.Equal(-42, echo["int32Value"]);
        Assert.Equal(long.MinValue, echo["int64Value"]);
        Assert.Equal(uint.MaxValue, echo["uint32Value"]);
        Assert.Equal(ulong.MaxValue, echo["uint64Value"]);
        Assert.Equal(-7, echo["sint32Value"]);
        Assert.Equal(-9_000_000_000L, echo["sint64Value"]);
        Assert.Equal(7u, echo["fixed32Value"]);
        Assert.Equal(8UL, echo["fixed64Value"]);
        Assert.Equal(-9, echo["sfixed32Value"]);
        Assert.Equal(-10L, echo["sfixed64Value"]);
        Assert.Equal(true, echo["boolValue"]);
        Assert.Equal("你好, gRPC", echo["stringValue"]);
        Assert.Equal(Bytes, echo["bytesValue"]);
        Assert.Equal("GREEN", echo["color"]);
        var nested = Assert.IsType<ProtoMessage>(echo["nested"]);
        Assert.Equal("test.v1.AllTypes.Inner", nested.TypeName);
        Assert.Equal("n", nested["name"]);
        Assert.Equal(3, nested["value"]);
        Assert.Equal(new object[] { 1, 2, 300000 }, echo["repeatedInt32"]);
        Assert.Equal(new object[] { "a", "b" }, echo["repeatedString"]);
        Assert.Equal(["x", "y"], ((object?[])echo["repeatedInner"]!).Cast<ProtoMessage>().Select(m => m["name"]));
        Assert.Equal(new object[] { "RED", "GREEN" }, echo["repeatedColor"]);
        var intMap = Assert.IsType<Dictionary<object, object?>>(echo["intMap"]);
        Assert.Equal(1, intMap["one"]);
        Assert.Equal(2, intMap["two"]);
        var innerMap = Assert.IsType<Dictionary<object, object?>>(echo["innerMap"]);
        Assert.Equal("five", ((ProtoMessage)innerMap[5L]!)["name"]);
        Assert.Equal(6, ((ProtoMessage)innerMap[6L]!)["value"]);
        Assert.Equal("v", ((Dictionary<object, object?>)echo["stringMap"]!)["k"]);
        Assert.Null(echo["text"]);
        Assert.Equal("chosen", ((ProtoMessage)echo["inner"]!)["name"]);
        Assert.Equal(0, echo["maybe"]);
        Assert.Equal(created, echo["createdAt"]);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)echo["createdAt"]!).Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), echo["elapsed"]);
        Assert.Equal(0, echo["int32Wrapper"]);
        Assert.Equal("wrapped", echo["stringWrapper"]);
        Assert.Equal(false, echo["boolWrapper"]);
        Assert.Equal(1L << 40, echo["int64Wrapper"]);
        Assert.Equal(0.5, echo["doubleWrapper"]);
        Assert.Equal(new byte[] { 1, 2 }, echo["bytesWrapper"]);
        var structValue = Assert.IsType<ProtoMessage>(echo["structValue"]);
        Assert.Equal(1.0, structValue["a"]);
        Assert.Equal(new object?[] { "x", true, null }, structValue["b"]);
        Assert.Equal("e", ((ProtoMessage)structValue["c"]!)["d"]);
        Assert.Equal("just a string", echo["jsonValue"]);
        Assert.Equal(new object?[] { 1.0, "two" }, echo["listValue"]);
        Assert.Empty(Assert.IsType<ProtoMessage>(echo["empty"]).Fields);
        Assert.Equal("a,b.c", echo["fieldMask"]);
        var any = Assert.IsType<ProtoMessage>(echo["anyValue"]);
        Assert.Equal("type.googleapis.com/test.v1.AllTypes.Inner", any["@type"]);
        Assert.Equal("in any", any["name"]);
        Assert.Equal(9, any["value"]);
    }

    [Fact]
    public async Task Unset_fields_come_back_as_defaults_or_null_so_every_row_has_the_same_columns()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var echo = Assert.IsType<ProtoMessage>(await client.UnaryAsync("test.v1.KitchenSink/Echo", Body()));
        Assert.Equal(0, echo["int32Value"]);
        Assert.Equal(0L, echo["int64Value"]);
        Assert.Equal("", echo["stringValue"]);
        Assert.Equal("COLOR_UNSPECIFIED", echo["color"]);
        Assert.Null(echo["nested"]);
        Assert.Empty((object?[])echo["repeatedInt32"]!);
        Assert.Empty((Dictionary<object, object?>)echo["intMap"]!);
        Assert.Null(echo["maybe"]);
        Assert.Null(echo["text"]);
        Assert.Null(echo["int32Wrapper"]);
        Assert.Null(echo["createdAt"]);
        Assert.Equal(41, echo.Fields.Count);
    }

    [Fact]
    public async Task Server_streaming_of_a_rich_message_decodes_each_copy()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var copies = await client.CallAsync("test.v1.KitchenSink/EchoStream", [Body(("string_value", "s"), ("repeated_int32", FiveSix))]);
        Assert.Equal(3, copies.Count);
        Assert.All(copies.Cast<ProtoMessage>(), c => Assert.Equal(new object[] { 5, 6 }, c["repeatedInt32"]));
    }

    [Theory]
    [InlineData("-1", "uint64_value")]
    [InlineData("18446744073709551616", "uint64_value")]
    [InlineData("2147483648", "int32_value")]
    [InlineData("1.5", "int64_value")]
    [InlineData("not base64!", "bytes_value")]
    [InlineData("yesterday", "created_at")]
    public async Task Values_that_do_not_fit_are_refused_naming_the_field(string value, string field)
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var info = await client.ResolveMethodAsync("test.v1.KitchenSink/Echo", default);
        var ex = Assert.Throws<ProtoValueException>(() => client.EncodeRequest(info, Body((field, value))));
        Assert.Equal($"body.{field}", ex.FieldPath);
    }
}
