using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using FileOptions = Google.Protobuf.Reflection.FileOptions;
using Type = Google.Protobuf.Reflection.FieldDescriptorProto.Types.Type;
using Label = Google.Protobuf.Reflection.FieldDescriptorProto.Types.Label;

namespace PSNetTools.Grpc.ProtoFiles;

internal enum OptionTarget
{
    File,
    Message,
    Field,
    Oneof,
    Enum,
    EnumValue,
    Service,
    Method,
    ExtensionRange,
}

/// <summary>
/// Options: every form is parsed (custom "(ext).path" names, aggregate "{ ... }" values) but only the few options a
/// dynamic gRPC client or the linker looks at are kept; custom options would need the extension's type to encode.
/// </summary>
internal sealed partial class ProtoParser
{
    private sealed record OptionValue(ProtoToken At, ProtoTokenKind Kind, string Text, byte[]? Bytes, bool Negative);

    private static T? NullIfEmpty<T>(T? options)
        where T : class, IMessage => options is null || options.CalculateSize() == 0 ? null : options;

    /// <summary>After "option": name = value ;</summary>
    private void ParseOptionStatement(IMessage options, OptionTarget target)
    {
        var (name, nameAt) = ParseOptionName();
        Expect("=");
        var value = ParseOptionValue();
        Expect(";");
        ApplyOption(options, target, name, nameAt, value);
    }

    /// <summary>After "[": name = value, ... ]</summary>
    private void ParseBracketedOptions(IMessage options, OptionTarget target)
    {
        do
        {
            var (name, nameAt) = ParseOptionName();
            Expect("=");
            ApplyOption(options, target, name, nameAt, ParseOptionValue());
        }
        while (TryConsume(","));
        Expect("]");
    }

    private void ParseFieldOptions(FieldDescriptorProto field)
    {
        var options = field.Options ?? new FieldOptions();
        do
        {
            var (name, nameAt) = ParseOptionName();
            Expect("=");
            if (name == "default") ParseDefault(field, nameAt);
            else if (name == "json_name")
            {
                if (field.HasExtendee) throw Error(nameAt, "option json_name is not allowed on extension fields.");
                field.JsonName = Utf8(ExpectString("a string for json_name"));
            }
            else ApplyOption(options, OptionTarget.Field, name, nameAt, ParseOptionValue());
        }
        while (TryConsume(","));
        Expect("]");
        field.Options = NullIfEmpty(options);
    }

    /// <summary>The option's name when it is a plain built-in one; null for custom "(ext)" or dotted names.</summary>
    private (string? Name, ProtoToken At) ParseOptionName()
    {
        var at = Current;
        var parts = 0;
        string? simple = null;
        do
        {
            parts++;
            if (TryConsume("("))
            {
                simple = null;
                ParseTypeName("an extension name");
                Expect(")");
            }
            else simple = ExpectIdentifier("an option name");
        }
        while (TryConsume("."));
        return (parts == 1 ? simple : null, at);
    }

    private OptionValue ParseOptionValue()
    {
        var at = Current;
        if (TryConsume("{"))
        {
            SkipAggregate(at);
            return new OptionValue(at, ProtoTokenKind.Symbol, "{", null, false);
        }
        if (Current.Kind == ProtoTokenKind.String) return new OptionValue(at, ProtoTokenKind.String, at.Text, ExpectString("a string"), false);
        var negative = TryConsume("-");
        if (Current.Kind is ProtoTokenKind.Integer or ProtoTokenKind.Float or ProtoTokenKind.Identifier)
        {
            var token = Advance();
            return new OptionValue(at, token.Kind, token.Text, null, negative);
        }
        throw Expected("an option value (a number, string, identifier or { ... })");
    }

    // Aggregate values are text-format messages for custom options, which are not kept: only their extent matters.
    private void SkipAggregate(ProtoToken open)
    {
        var depth = 1;
        while (depth > 0)
        {
            var token = Advance();
            if (token.Kind == ProtoTokenKind.End) throw Error(open, "Unterminated aggregate option value: expected \"}\".");
            if (token.Kind != ProtoTokenKind.Symbol) continue;
            if (token.Text == "{") depth++;
            else if (token.Text == "}") depth--;
        }
    }

    private void ApplyOption(IMessage options, OptionTarget target, string? name, ProtoToken nameAt, OptionValue value)
    {
        if (name is null) return;
        switch (options, name)
        {
            case (FileOptions o, "java_package"): o.JavaPackage = StringOption(name, value); break;
            case (FileOptions o, "java_outer_classname"): o.JavaOuterClassname = StringOption(name, value); break;
            case (FileOptions o, "java_multiple_files"): o.JavaMultipleFiles = BoolOption(name, value); break;
            case (FileOptions o, "go_package"): o.GoPackage = StringOption(name, value); break;
            case (FileOptions o, "csharp_namespace"): o.CsharpNamespace = StringOption(name, value); break;
            case (FileOptions o, "objc_class_prefix"): o.ObjcClassPrefix = StringOption(name, value); break;
            case (FileOptions o, "php_namespace"): o.PhpNamespace = StringOption(name, value); break;
            case (FileOptions o, "ruby_package"): o.RubyPackage = StringOption(name, value); break;
            case (FileOptions o, "swift_prefix"): o.SwiftPrefix = StringOption(name, value); break;
            case (FileOptions o, "deprecated"): o.Deprecated = BoolOption(name, value); break;
            case (MessageOptions, "map_entry"):
                throw Error(nameAt, "map_entry should not be set explicitly. Use map<KeyType, ValueType> instead.");
            case (MessageOptions o, "deprecated"): o.Deprecated = BoolOption(name, value); break;
            case (FieldOptions o, "packed"): o.Packed = BoolOption(name, value); break;
            case (FieldOptions o, "deprecated"): o.Deprecated = BoolOption(name, value); break;
            case (EnumOptions o, "allow_alias"): o.AllowAlias = BoolOption(name, value); break;
            case (EnumOptions o, "deprecated"): o.Deprecated = BoolOption(name, value); break;
            case (EnumValueOptions o, "deprecated"): o.Deprecated = BoolOption(name, value); break;
            case (ServiceOptions o, "deprecated"): o.Deprecated = BoolOption(name, value); break;
            case (MethodOptions o, "deprecated"): o.Deprecated = BoolOption(name, value); break;
            default:
                break;
        }
    }

    private string StringOption(string name, OptionValue value) =>
        value.Kind == ProtoTokenKind.String ? Utf8(value.Bytes!) : throw Error(value.At, $"Value must be quoted string for string option \"{name}\".");

    private bool BoolOption(string name, OptionValue value) => value is { Kind: ProtoTokenKind.Identifier, Negative: false, Text: "true" or "false" }
        ? value.Text == "true"
        : throw Error(value.At, $"Value must be \"true\" or \"false\" for boolean option \"{name}\".");

    /// <summary>[default = ...]: stored as protoc writes it back (decimal integers, SimpleDtoa floats, CEscaped bytes).</summary>
    private void ParseDefault(FieldDescriptorProto field, ProtoToken at)
    {
        if (_proto3) throw Error(at, "Explicit default values are not allowed in proto3.");
        if (field.Label == Label.Repeated) throw Error(at, "Repeated fields can't have default values.");
        if (field.HasDefaultValue) throw Error(at, "Already set option \"default\".");
        var valueAt = Current;
        if (!field.HasType)
        {
            // A named type: an enum's default is one of its value names (a message type is rejected when linking).
            field.DefaultValue = ExpectIdentifier("an enum value name for the default");
            return;
        }
        field.DefaultValue = field.Type switch
        {
            Type.Int32 or Type.Sint32 or Type.Sfixed32 => FormatInvariant(ExpectSignedInteger("an integer for the default", int.MinValue, int.MaxValue)),
            Type.Int64 or Type.Sint64 or Type.Sfixed64 => FormatInvariant(ExpectSignedInteger("an integer for the default", long.MinValue, long.MaxValue)),
            Type.Uint32 or Type.Fixed32 => ExpectInteger("a non-negative integer for the default", uint.MaxValue).ToString(CultureInfo.InvariantCulture),
            Type.Uint64 or Type.Fixed64 => ExpectInteger("a non-negative integer for the default", ulong.MaxValue).ToString(CultureInfo.InvariantCulture),
            Type.Double => ProtoNames.FormatDouble(ExpectFloat()),
            Type.Float => ProtoNames.FormatFloat((float)ExpectFloat()),
            Type.Bool => ExpectIdentifier("\"true\" or \"false\"") is "true" or "false" ? _tokens[_index - 1].Text
                : throw Error(valueAt, "Expected \"true\" or \"false\" for the default."),
            Type.String => Utf8(ExpectString("a string for the default")),
            Type.Bytes => ProtoNames.CEscape(ExpectString("a string for the default")),
            _ => throw Error(valueAt, "This field type cannot have a default value."),
        };
    }

    /// <summary>A number for a float or double default: integer, decimal, inf or nan, optionally negative.</summary>
    private double ExpectFloat()
    {
        var negative = TryConsume("-");
        var token = Current;
        double value = token switch
        {
            { Kind: ProtoTokenKind.Integer } => ParseInteger(token, ulong.MaxValue),
            { Kind: ProtoTokenKind.Float } => double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture),
            { Kind: ProtoTokenKind.Identifier, Text: "inf" } => double.PositiveInfinity,
            { Kind: ProtoTokenKind.Identifier, Text: "nan" } => double.NaN,
            _ => throw Expected("a number for the default"),
        };
        Advance();
        return negative ? -value : value;
    }
}
