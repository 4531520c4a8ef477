using PSNetTools.Grpc.ProtoFiles;

namespace PSNetTools.Engine.Tests.Grpc.ProtoFiles;

/// <summary>What a user reads when a .proto file, an import or a descriptor set is wrong.</summary>
public sealed class ProtoParserErrorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("psnettools-proto-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void SyntaxErrorNamesFileLineAndColumn()
    {
        var ex = Assert.Throws<ProtoParseException>(() => ProtoParser.Parse("syntax = \"proto3\";\nmessage M {\n  int32 a = 1\n}\n", "bad.proto"));
        Assert.Equal("bad.proto:4:1: Expected \";\", found \"}\".", ex.Message);
        Assert.Equal((4, 1), (ex.Line, ex.Column));
        Assert.IsAssignableFrom<FormatException>(ex);
    }

    [Theory]
    [InlineData("syntax = \"proto2\";\nmessage M { int32 a = 1; }", "bad.proto:2:13: Expected \"required\", \"optional\", or \"repeated\"")]
    [InlineData("syntax = \"proto3\";\nmessage M { int32 a = 1 [default = 3]; }", "bad.proto:2:26: Explicit default values are not allowed in proto3.")]
    [InlineData("syntax = \"proto3\";\nmessage M { required int32 a = 1; }", "bad.proto:2:13: Required fields are not allowed in proto3.")]
    [InlineData("syntax = \"proto2\";\nmessage M { optional group G = 1 { } }", "bad.proto:2:22: Groups are not supported")]
    [InlineData("syntax = \"proto3\";\n/* never closed\nmessage M {}", "bad.proto:2:1: End-of-file inside block comment.")]
    [InlineData("syntax = \"proto3\";\noption java_package = \"a\\qb\";", "bad.proto:2:25: Invalid escape sequence in string literal.")]
    [InlineData("syntax = \"proto3\";\nmessage M { map<double, string> m = 1; }", "bad.proto:2:17: Key in map fields cannot be float/double")]
    [InlineData("syntax = \"proto3\";\nmessage M { int32 a = 0; }", "bad.proto:2:23: Field numbers must be between 1 and 536870911.")]
    [InlineData("syntax = \"proto4\";", "bad.proto:1:10: Unrecognized syntax identifier \"proto4\"")]
    [InlineData("syntax = \"proto3\";\nmessage M { option (x.y) = { a: 1 ", "bad.proto:2:28: Unterminated aggregate option value")]
    [InlineData("syntax = \"proto3\";\nenum E { A = 0x100000000; }", "bad.proto:2:14: Integer out of range: 0x100000000.")]
    [InlineData("syntax = \"proto3\";\nmessage M { int32 a = 1; ", "bad.proto:2:26: Expected \"}\" closing message M, found end of file.")]
    public void BadSyntaxIsReportedWhereItIs(string text, string messageStart)
    {
        var ex = Assert.Throws<ProtoParseException>(() => ProtoParser.Parse(text, "bad.proto"));
        Assert.StartsWith(messageStart, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTypeNamesFileLineAndType()
    {
        var ex = Assert.Throws<ProtoParseException>(() => ProtoParser.Parse("syntax = \"proto3\";\nmessage M {\n  Nope n = 1;\n}\n", "types.proto"));
        Assert.Equal("types.proto:3:3: \"Nope\" is not defined.", ex.Message);
    }

    [Fact]
    public void DottedNameBoundToTheWrongScopeSaysWhereItLooked()
    {
        const string text = "syntax = \"proto3\";\npackage p;\nmessage Thing {}\nmessage M {\n  message p {}\n  p.Thing t = 1;\n}\n";
        var ex = Assert.Throws<ProtoParseException>(() => ProtoParser.Parse(text, "scope.proto"));
        Assert.StartsWith("scope.proto:6:3: \"p.Thing\" is resolved to \"p.M.p.Thing\", which is not defined.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MethodTypeMustBeAMessage()
    {
        const string text = "syntax = \"proto3\";\nenum E { E0 = 0; }\nmessage M {}\nservice S { rpc Call(E) returns (M); }\n";
        var ex = Assert.Throws<ProtoParseException>(() => ProtoParser.Parse(text, "svc.proto"));
        Assert.Equal("svc.proto:4:22: \"E\" is not a message type.", ex.Message);
    }

    [Fact]
    public void UnknownTypeInAnImportingFileIsReportedByTheLoader()
    {
        Write("lib/dep.proto", "syntax = \"proto3\";\npackage lib;\nmessage Dep {}\n");
        var main = Write("main.proto", "syntax = \"proto3\";\nimport \"lib/dep.proto\";\nmessage M {\n  lib.Dep ok = 1;\n  lib.Missing bad = 2;\n}\n");
        var ex = Assert.Throws<ProtoParseException>(() => ProtoFileLoader.Load([main], []));
        Assert.Equal("main.proto:5:3: \"lib.Missing\" is not defined.", ex.Message);
    }

    [Fact]
    public void TypesOfFilesNotImportedAreNotVisible()
    {
        Write("other.proto", "syntax = \"proto3\";\nmessage Other {}\n");
        var main = Write("main.proto", "syntax = \"proto3\";\nmessage M {\n  Other o = 1;\n}\n");
        var ex = Assert.Throws<ProtoParseException>(() => ProtoFileLoader.Load([main, Path.Combine(_dir.FullName, "other.proto")], []));
        Assert.Equal("main.proto:3:3: \"Other\" is not defined.", ex.Message);
    }

    [Fact]
    public void MissingImportNamesTheImportPathsSearched()
    {
        var extra = Directory.CreateDirectory(Path.Combine(_dir.FullName, "extra")).FullName;
        var main = Write("main.proto", "syntax = \"proto3\";\nimport \"missing/dep.proto\";\n");
        var ex = Assert.Throws<ProtoImportNotFoundException>(() => ProtoFileLoader.Load([main], [extra]));
        Assert.Equal("ProtoImportNotFound", ex.Failure.ErrorId);
        Assert.Contains("main.proto:2:8: Import \"missing/dep.proto\" was not found", ex.Message, StringComparison.Ordinal);
        Assert.Contains(extra, ex.Message, StringComparison.Ordinal);
        Assert.Contains(_dir.FullName, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingProtoFileIsFileNotFound()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => ProtoFileLoader.Load(["nowhere/x.proto"], [_dir.FullName]));
        Assert.Contains(_dir.FullName, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportCycleIsReported()
    {
        var a = Write("a.proto", "syntax = \"proto3\";\nimport \"b.proto\";\n");
        Write("b.proto", "syntax = \"proto3\";\n\nimport \"a.proto\";\n");
        var ex = Assert.Throws<ProtoParseException>(() => ProtoFileLoader.Load([a], []));
        Assert.Equal("b.proto:3:8: File recursively imports itself: a.proto -> b.proto -> a.proto", ex.Message);
    }

    [Fact]
    public void WellKnownImportsComeFromGoogleProtobufWhenNotOnDisk()
    {
        var main = Write("wkt.proto", "syntax = \"proto3\";\nimport \"google/protobuf/any.proto\";\nmessage M { google.protobuf.Any any = 1; }\n");
        var files = ProtoFileLoader.Load([main], []);
        Assert.Equal("google.protobuf.Any", files.Single(f => f.Name == "wkt.proto").MessageTypes[0].Fields.InDeclarationOrder()[0].MessageType.FullName);
    }

    [Theory]
    [InlineData("syntax = \"proto3\";\nmessage M {}\n")]
    [InlineData("")]
    public void NonDescriptorSetSaysHowToMakeOne(string content)
    {
        var path = Write("not-a-set.pb", content);
        var ex = Assert.Throws<FormatException>(() => DescriptorSetLoader.Load(path));
        Assert.Contains("is not a protobuf FileDescriptorSet", ex.Message, StringComparison.Ordinal);
        Assert.Contains("protoc --include_imports -o set.pb x.proto", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DescriptorSetWithoutItsImportsSaysToIncludeThem()
    {
        var path = Path.Combine(_dir.FullName, "partial.pb");
        Protoc.Run(Protoc.ProtosDir, ["shop/orders.proto"], path, includeImports: false);
        var ex = Assert.Throws<ProtoImportNotFoundException>(() => DescriptorSetLoader.Load(path));
        Assert.Contains("shop/common.proto", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--include_imports", ex.Message, StringComparison.Ordinal);
    }
}
