using System.Globalization;
using System.Text;
using Google.Protobuf.Reflection;
using FileOptions = Google.Protobuf.Reflection.FileOptions;

namespace PSNetTools.Grpc.ProtoFiles;

/// <summary>
/// Recursive-descent parser for proto2 and proto3 .proto files, producing the FileDescriptorProto protoc would
/// (options it does not need aside), so that users without protoc can call gRPC methods from their .proto files.
/// </summary>
internal sealed partial class ProtoParser
{
    private readonly List<ProtoToken> _tokens;
    private readonly string _fileName;
    private readonly FileDescriptorProto _file;
    private readonly List<TypeReference> _references = [];
    private readonly List<ProtoImport> _imports = [];
    private int _index;
    private bool _proto3;

    private ProtoParser(string text, string fileName)
    {
        _fileName = fileName;
        _tokens = ProtoTokenizer.Tokenize(text, fileName);
        _file = new FileDescriptorProto { Name = fileName };
    }

    /// <summary>
    /// Parses a self-contained file: type names are resolved against the file itself and the well-known files it
    /// imports. Files importing other files go through <see cref="ProtoFileLoader"/>, which sees all of them.
    /// </summary>
    /// <exception cref="ProtoParseException">Syntax error or a type name that does not resolve.</exception>
    public static FileDescriptorProto Parse(string text, string fileName)
    {
        var parsed = ParseUnresolved(text, fileName);
        var visible = parsed.Imports.Select(i => Descriptors.FileDescriptorBuilder.WellKnownFile(i.Name)).OfType<FileDescriptorProto>();
        ProtoTypeResolver.Resolve(parsed, visible);
        return parsed.Proto;
    }

    /// <summary>Parses without resolving type names, which stay as written with their field types unset.</summary>
    public static ParsedProtoFile ParseUnresolved(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var parser = new ProtoParser(text, fileName);
        parser.ParseFile();
        return new ParsedProtoFile(parser._file, parser._references, parser._imports);
    }

    private ProtoToken Current => _tokens[_index];

    private ProtoToken PeekToken(int ahead) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private ProtoToken Advance()
    {
        var token = _tokens[_index];
        if (token.Kind != ProtoTokenKind.End) _index++;
        return token;
    }

    private bool LookingAt(string text) =>
        Current.Kind is ProtoTokenKind.Identifier or ProtoTokenKind.Symbol && Current.Text == text;

    private bool TryConsume(string text)
    {
        if (!LookingAt(text)) return false;
        _index++;
        return true;
    }

    private ProtoParseException Error(ProtoToken at, string what) => new(_fileName, at.Line, at.Column, what);

    private ProtoParseException Expected(string what) => Error(Current, $"Expected {what}, found {Current}.");

    private void Expect(string text)
    {
        if (!TryConsume(text)) throw Expected($"\"{text}\"");
    }

    private string ExpectIdentifier(string what)
    {
        if (Current.Kind != ProtoTokenKind.Identifier) throw Expected(what);
        return Advance().Text;
    }

    private byte[] ExpectString(string what)
    {
        if (Current.Kind != ProtoTokenKind.String) throw Expected(what);
        // Adjacent literals concatenate, as in C.
        var bytes = new List<byte>();
        while (Current.Kind == ProtoTokenKind.String) bytes.AddRange(Advance().Bytes!);
        return bytes.ToArray();
    }

    private static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private ulong ExpectInteger(string what, ulong max)
    {
        var token = Current;
        if (token.Kind != ProtoTokenKind.Integer) throw Expected(what);
        Advance();
        return ParseInteger(token, max);
    }

    private ulong ParseInteger(ProtoToken token, ulong max)
    {
        var text = token.Text;
        var (digits, radix) = text.Length > 1 && text[0] == '0'
            ? text[1] is 'x' or 'X' ? (text[2..], 16) : (text[1..], 8)
            : (text, 10);
        ulong value = 0;
        foreach (var c in digits)
        {
            var digit = (ulong)(char.IsAsciiDigit(c) ? c - '0' : char.ToLowerInvariant(c) - 'a' + 10);
            if (value > (max - digit) / (ulong)radix) throw Error(token, $"Integer out of range: {text}.");
            value = (value * (ulong)radix) + digit;
        }
        return value;
    }

    /// <summary>An integer within [min, max], negative only when min is.</summary>
    private long ExpectSignedInteger(string what, long min, long max)
    {
        if (min >= 0 && LookingAt("-")) throw Expected(what);
        var negative = TryConsume("-");
        var magnitude = ExpectInteger(what, negative ? (ulong)-(min + 1) + 1 : (ulong)max);
        return negative ? (long)(0 - magnitude) : (long)magnitude;
    }

    private void ParseFile()
    {
        if (LookingAt("syntax")) ParseSyntax();
        else if (LookingAt("edition")) throw Error(Current, "Editions files (edition = ...) are not supported; use syntax = \"proto3\" or \"proto2\".");
        while (Current.Kind != ProtoTokenKind.End)
        {
            if (TryConsume(";")) continue;
            var keyword = Current;
            switch (keyword.Text)
            {
                case "package": ParsePackage(); break;
                case "import": ParseImport(); break;
                case "option":
                    Advance();
                    ParseOptionStatement(_file.Options ??= new FileOptions(), OptionTarget.File);
                    break;
                case "message":
                    Advance();
                    _file.MessageType.Add(ParseMessage(""));
                    break;
                case "enum":
                    Advance();
                    _file.EnumType.Add(ParseEnum());
                    break;
                case "service":
                    Advance();
                    _file.Service.Add(ParseService());
                    break;
                case "extend":
                    Advance();
                    ParseExtend(_file.Extension, "");
                    break;
                case "syntax" when keyword.Kind == ProtoTokenKind.Identifier:
                    throw Error(keyword, "The syntax statement must be the first statement of the file.");
                default:
                    throw Expected("a top-level statement (message, enum, service, extend, import, package, option)");
            }
        }
        _file.Options = NullIfEmpty(_file.Options);
    }

    private void ParseSyntax()
    {
        Advance();
        Expect("=");
        var at = Current;
        var syntax = Utf8(ExpectString("a syntax string (\"proto2\" or \"proto3\")"));
        Expect(";");
        switch (syntax)
        {
            case "proto3":
                _proto3 = true;
                _file.Syntax = "proto3";
                break;
            case "proto2":
                // protoc leaves syntax unset for proto2 files.
                break;
            default:
                throw Error(at, $"Unrecognized syntax identifier \"{syntax}\". This parser only recognizes \"proto2\" and \"proto3\".");
        }
    }

    private void ParsePackage()
    {
        var at = Advance();
        if (_file.HasPackage) throw Error(at, "Multiple package definitions.");
        _file.Package = ParseDottedName("a package name");
        Expect(";");
    }

    private string ParseDottedName(string what)
    {
        var name = new StringBuilder(ExpectIdentifier(what));
        while (TryConsume(".")) name.Append('.').Append(ExpectIdentifier(what));
        return name.ToString();
    }

    private void ParseImport()
    {
        Advance();
        if (TryConsume("public")) _file.PublicDependency.Add(_file.Dependency.Count);
        else if (TryConsume("weak")) _file.WeakDependency.Add(_file.Dependency.Count);
        var at = Current;
        var name = Utf8(ExpectString("a string naming the file to import"));
        Expect(";");
        _file.Dependency.Add(name);
        _imports.Add(new ProtoImport(name, at.Line, at.Column));
    }

    /// <summary>A type name as written: optional leading dot, identifiers separated by dots.</summary>
    private (string Name, ProtoToken At) ParseTypeName(string what)
    {
        var at = Current;
        var leadingDot = TryConsume(".");
        var name = ParseDottedName(what);
        return (leadingDot ? "." + name : name, at);
    }

    private static string Qualify(string scope, string name) => scope.Length == 0 ? name : scope + "." + name;

    private ServiceDescriptorProto ParseService()
    {
        var service = new ServiceDescriptorProto { Name = ExpectIdentifier("a service name") };
        Expect("{");
        while (!TryConsume("}"))
        {
            if (Current.Kind == ProtoTokenKind.End) throw Expected("\"}\" closing service " + service.Name);
            if (TryConsume(";")) continue;
            if (TryConsume("option")) ParseOptionStatement(service.Options ??= new ServiceOptions(), OptionTarget.Service);
            else if (TryConsume("rpc")) service.Method.Add(ParseMethod(service.Name));
            else throw Expected("\"rpc\", \"option\" or \"}\" in service " + service.Name);
        }
        service.Options = NullIfEmpty(service.Options);
        return service;
    }

    private MethodDescriptorProto ParseMethod(string serviceName)
    {
        var method = new MethodDescriptorProto { Name = ExpectIdentifier("a method name") };
        var scope = serviceName + "." + method.Name;
        Expect("(");
        if (TryConsumeStream()) method.ClientStreaming = true;
        var (input, inputAt) = ParseTypeName("the request message type");
        method.InputType = input;
        _references.Add(new TypeReference(TypeReferenceKind.MethodInput, input, scope, inputAt.Line, inputAt.Column, null, method));
        Expect(")");
        Expect("returns");
        Expect("(");
        if (TryConsumeStream()) method.ServerStreaming = true;
        var (output, outputAt) = ParseTypeName("the response message type");
        method.OutputType = output;
        _references.Add(new TypeReference(TypeReferenceKind.MethodOutput, output, scope, outputAt.Line, outputAt.Column, null, method));
        Expect(")");
        if (TryConsume("{"))
        {
            while (!TryConsume("}"))
            {
                if (Current.Kind == ProtoTokenKind.End) throw Expected("\"}\" closing method " + method.Name);
                if (TryConsume(";")) continue;
                if (!TryConsume("option")) throw Expected("\"option\" or \"}\" in method " + method.Name);
                ParseOptionStatement(method.Options ??= new MethodOptions(), OptionTarget.Method);
            }
        }
        else
        {
            Expect(";");
        }
        method.Options = NullIfEmpty(method.Options);
        return method;
    }

    // "stream" is a keyword only when a type name follows: a message may itself be called stream.
    private bool TryConsumeStream()
    {
        if (!LookingAt("stream") || PeekToken(1).Text == ")") return false;
        Advance();
        return true;
    }

    private static string FormatInvariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
