using Google.Protobuf;
using Google.Protobuf.Reflection;
using PSNetTools.Grpc.ProtoFiles;

namespace PSNetTools.Engine.Tests.Grpc.ProtoFiles;

/// <summary>The parser's FileDescriptorProtos against protoc's for the same files, after <see cref="DescriptorNormaliser"/>.</summary>
public class ProtoParserProtocTests
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation());

    [Theory]
    [InlineData("kitchen_sink.proto")]
    [InlineData("legacy.proto")]
    [InlineData("scoping.proto")]
    [InlineData("shop/orders.proto", "shop/common.proto")]
    public void MatchesProtoc(string file, params string[] alsoLoaded)
    {
        var expected = Protoc.DescriptorSet(Protoc.ProtosDir, [file, .. alsoLoaded]).File.ToDictionary(f => f.Name);
        var actual = ProtoFileLoader.LoadProtos([Path.Combine(Protoc.ProtosDir, file)], [Protoc.ProtosDir]);

        Assert.Equal(expected.Keys.Order(), actual.Select(f => f.Name).Order());
        foreach (var parsed in actual)
        {
            // The parser already drops what the normaliser drops: normalising its output must change nothing.
            Assert.Equal(parsed, DescriptorNormaliser.Normalise(parsed));
            AssertSame(DescriptorNormaliser.Normalise(expected[parsed.Name]), parsed);
        }
    }

    [Fact]
    public void StandaloneParseResolvesAgainstWellKnownImports()
    {
        var text = File.ReadAllText(Path.Combine(Protoc.ProtosDir, "kitchen_sink.proto"));
        var parsed = ProtoParser.Parse(text, "kitchen_sink.proto");
        var expected = Protoc.DescriptorSet(Protoc.ProtosDir, ["kitchen_sink.proto"]).File.Single();
        AssertSame(DescriptorNormaliser.Normalise(expected), parsed);
    }

    [Fact]
    public void LinkedDescriptorsDescribeTheService()
    {
        var files = ProtoFileLoader.Load([Path.Combine(Protoc.ProtosDir, "kitchen_sink.proto")], []);
        var service = files.Single(f => f.Name == "kitchen_sink.proto").Services.Single();
        Assert.Equal("kitchen.sink.v1.KitchenService", service.FullName);
        var kinds = service.Methods.ToDictionary(m => m.Name, m => (m.IsClientStreaming, m.IsServerStreaming));
        Assert.Equal((false, false), kinds["Unary"]);
        Assert.Equal((false, true), kinds["ServerStream"]);
        Assert.Equal((true, false), kinds["ClientStream"]);
        Assert.Equal((true, true), kinds["Bidi"]);
        Assert.Equal("google.protobuf.Empty", service.FindMethodByName("Ping").InputType.FullName);

        var outer = files.Single(f => f.Name == "kitchen_sink.proto").MessageTypes.Single(m => m.Name == "Outer");
        Assert.True(outer.FindFieldByName("middles").IsMap);
        Assert.Equal("kitchen.sink.v1.Outer.Middle", outer.FindFieldByName("middles").MessageType.FindFieldByNumber(2).MessageType.FullName);
        Assert.True(outer.FindFieldByName("maybe_count").HasPresence);
        Assert.Equal("choice", outer.FindFieldByName("choice_text").ContainingOneof.Name);
        Assert.Contains(files, f => f.Name == "google/protobuf/timestamp.proto");
    }

    [Fact]
    public void ImportedFilesAreNamedRelativeToTheirImportPath()
    {
        var files = ProtoFileLoader.Load([Path.Combine(Protoc.ProtosDir, "shop", "orders.proto")], [Protoc.ProtosDir]);
        var orders = files.Single(f => f.Name == "shop/orders.proto");
        Assert.Equal(["shop/common.proto", "google/protobuf/timestamp.proto"], orders.Dependencies.Select(d => d.Name));
        Assert.Equal("shop.common.Money", orders.MessageTypes.Single(m => m.Name == "Order").FindFieldByName("total").MessageType.FullName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DescriptorSetLoaderReadsProtocOutput(bool includeImports)
    {
        var path = Path.Combine(Path.GetTempPath(), $"psnettools-set-{Guid.NewGuid():N}.pb");
        try
        {
            // Without --include_imports the set lacks shop/common.proto, so both files are named explicitly.
            Protoc.Run(Protoc.ProtosDir, ["shop/orders.proto", "shop/common.proto", "kitchen_sink.proto"], path, includeImports);
            var files = DescriptorSetLoader.Load(path);
            Assert.Contains(files, f => f.Name == "shop/orders.proto" && f.Services.Single().Methods.Count == 2);
            Assert.Contains(files, f => f.Name == "google/protobuf/descriptor.proto");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertSame(FileDescriptorProto expected, FileDescriptorProto actual)
    {
        if (expected.Equals(actual)) return;
        var expectedLines = Json.Format(expected).Split('\n');
        var actualLines = Json.Format(actual).Split('\n');
        var line = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length)).FirstOrDefault(i => expectedLines[i] != actualLines[i], -1);
        if (line < 0) line = Math.Min(expectedLines.Length, actualLines.Length);
        string Around(string[] lines) => string.Join('\n', lines.Skip(Math.Max(0, line - 8)).Take(12));
        Assert.Fail($"{actual.Name} differs from protoc at JSON line {line + 1}.\nprotoc:\n{Around(expectedLines)}\nparser:\n{Around(actualLines)}");
    }
}
