using Google.Protobuf.Collections;
using Google.Protobuf.Reflection;
using Type = Google.Protobuf.Reflection.FieldDescriptorProto.Types.Type;
using Label = Google.Protobuf.Reflection.FieldDescriptorProto.Types.Label;

namespace PSNetTools.Grpc.ProtoFiles;

internal sealed partial class ProtoParser
{
    private static readonly Dictionary<string, Type> ScalarTypes = new(StringComparer.Ordinal)
    {
        ["double"] = Type.Double, ["float"] = Type.Float, ["int64"] = Type.Int64, ["uint64"] = Type.Uint64,
        ["int32"] = Type.Int32, ["fixed64"] = Type.Fixed64, ["fixed32"] = Type.Fixed32, ["bool"] = Type.Bool,
        ["string"] = Type.String, ["bytes"] = Type.Bytes, ["uint32"] = Type.Uint32, ["sfixed32"] = Type.Sfixed32,
        ["sfixed64"] = Type.Sfixed64, ["sint32"] = Type.Sint32, ["sint64"] = Type.Sint64,
    };

    /// <param name="parentScope">Full name of the enclosing message without the package, "" at file level.</param>
    private DescriptorProto ParseMessage(string parentScope)
    {
        var message = new DescriptorProto { Name = ExpectIdentifier("a message name") };
        var scope = Qualify(parentScope, message.Name);
        Expect("{");
        while (!TryConsume("}"))
        {
            if (Current.Kind == ProtoTokenKind.End) throw Expected("\"}\" closing message " + message.Name);
            ParseMessageStatement(message, scope);
        }
        AddSyntheticOneofs(message);
        message.Options = NullIfEmpty(message.Options);
        return message;
    }

    private void ParseMessageStatement(DescriptorProto message, string scope)
    {
        if (TryConsume(";")) return;
        if (TryConsume("message")) message.NestedType.Add(ParseMessage(scope));
        else if (TryConsume("enum")) message.EnumType.Add(ParseEnum());
        else if (TryConsume("extensions")) ParseExtensionRanges(message);
        else if (TryConsume("reserved")) ParseMessageReserved(message);
        else if (TryConsume("extend")) ParseExtend(message.Extension, scope);
        else if (TryConsume("option")) ParseOptionStatement(message.Options ??= new MessageOptions(), OptionTarget.Message);
        else if (LookingAt("oneof") && PeekToken(1).Kind == ProtoTokenKind.Identifier && PeekToken(2).Text == "{") ParseOneof(message, scope);
        else ParseField(message.Field, message, scope, oneofIndex: null, extendee: null);
    }

    /// <summary>protoc's GenerateSyntheticOneofs: each proto3 optional field gets a oneof of its own, after the real ones.</summary>
    private static void AddSyntheticOneofs(DescriptorProto message)
    {
        var names = new HashSet<string>(message.Field.Select(f => f.Name).Concat(message.OneofDecl.Select(o => o.Name)), StringComparer.Ordinal);
        foreach (var field in message.Field.Where(f => f.Proto3Optional))
        {
            var name = field.Name.StartsWith('_') ? field.Name : "_" + field.Name;
            while (!names.Add(name)) name = "X" + name;
            field.OneofIndex = message.OneofDecl.Count;
            message.OneofDecl.Add(new OneofDescriptorProto { Name = name });
        }
    }

    private void ParseOneof(DescriptorProto message, string scope)
    {
        Advance();
        var oneof = new OneofDescriptorProto { Name = ExpectIdentifier("a oneof name") };
        var index = message.OneofDecl.Count;
        message.OneofDecl.Add(oneof);
        Expect("{");
        while (!TryConsume("}"))
        {
            if (Current.Kind == ProtoTokenKind.End) throw Expected("\"}\" closing oneof " + oneof.Name);
            if (TryConsume(";")) continue;
            if (TryConsume("option")) ParseOptionStatement(oneof.Options ??= new OneofOptions(), OptionTarget.Oneof);
            else if (LookingAt("required") || LookingAt("optional") || LookingAt("repeated"))
                throw Error(Current, "Fields in oneofs must not have labels (required / optional / repeated).");
            else ParseField(message.Field, message, scope, index, extendee: null);
        }
        oneof.Options = NullIfEmpty(oneof.Options);
    }

    /// <param name="message">Receives map entry types; null in a file-level extend block.</param>
    private void ParseField(RepeatedField<FieldDescriptorProto> fields, DescriptorProto? message, string scope, int? oneofIndex, (string Name, ProtoToken At)? extendee)
    {
        var labelAt = Current;
        Label? label = null;
        if (oneofIndex is null)
        {
            if (TryConsume("optional")) label = Label.Optional;
            else if (TryConsume("required")) label = Label.Required;
            else if (TryConsume("repeated")) label = Label.Repeated;
        }
        if (label == Label.Required && _proto3) throw Error(labelAt, "Required fields are not allowed in proto3.");

        if (LookingAt("map") && PeekToken(1).Text == "<")
        {
            if (label is not null) throw Error(labelAt, "Field labels (required/optional/repeated) are not allowed on map fields.");
            if (oneofIndex is not null) throw Error(labelAt, "Map fields are not allowed in oneofs.");
            if (message is null || extendee is not null) throw Error(labelAt, "Map fields are not allowed to be extensions.");
            ParseMapField(fields, message, scope);
            return;
        }
        if (LookingAt("group")) throw Error(Current, "Groups are not supported: declare a nested message and a field of that type instead.");
        if (label is null && !_proto3 && oneofIndex is null)
            throw Expected("\"required\", \"optional\", or \"repeated\" (proto2 fields need a label)");

        var field = new FieldDescriptorProto { Label = label ?? Label.Optional };
        if (label == Label.Optional && _proto3 && extendee is null) field.Proto3Optional = true;
        if (oneofIndex is not null) field.OneofIndex = oneofIndex.Value;
        var (typeName, typeAt) = ParseFieldType(field);
        ParseFieldNameAndNumber(field);
        if (!field.HasType) _references.Add(new TypeReference(TypeReferenceKind.FieldType, typeName, Qualify(scope, field.Name), typeAt.Line, typeAt.Column, field, null));
        if (extendee is { } e)
        {
            field.Extendee = e.Name;
            _references.Add(new TypeReference(TypeReferenceKind.Extendee, e.Name, Qualify(scope, field.Name), e.At.Line, e.At.Column, field, null));
        }
        if (TryConsume("[")) ParseFieldOptions(field);
        Expect(";");
        field.JsonName = field.HasJsonName ? field.JsonName : ProtoNames.ToJsonName(field.Name);
        fields.Add(field);
    }

    /// <summary>Sets Type for scalars; for a type name, sets TypeName and leaves Type to the resolver.</summary>
    private (string Name, ProtoToken At) ParseFieldType(FieldDescriptorProto field)
    {
        if (Current.Kind == ProtoTokenKind.Identifier && ScalarTypes.TryGetValue(Current.Text, out var scalar))
        {
            var at = Advance();
            field.Type = scalar;
            return (at.Text, at);
        }
        var (name, nameAt) = ParseTypeName("a field type");
        field.TypeName = name;
        return (name, nameAt);
    }

    private void ParseFieldNameAndNumber(FieldDescriptorProto field)
    {
        field.Name = ExpectIdentifier("a field name");
        Expect("=");
        var at = Current;
        var number = ExpectInteger("a field number", int.MaxValue);
        if (number is < 1 or > ProtoNames.MaxFieldNumber) throw Error(at, $"Field numbers must be between 1 and {ProtoNames.MaxFieldNumber}.");
        field.Number = (int)number;
    }

    private void ParseMapField(RepeatedField<FieldDescriptorProto> fields, DescriptorProto message, string scope)
    {
        Advance();
        Expect("<");
        var key = new FieldDescriptorProto { Name = "key", Number = 1, Label = Label.Optional, JsonName = "key" };
        var keyAt = Current;
        ParseFieldType(key);
        if (!key.HasType || key.Type is Type.Float or Type.Double or Type.Bytes)
            throw Error(keyAt, "Key in map fields cannot be float/double, bytes or message types.");
        Expect(",");
        var value = new FieldDescriptorProto { Name = "value", Number = 2, Label = Label.Optional, JsonName = "value" };
        var (valueType, valueAt) = ParseFieldType(value);
        Expect(">");

        var fieldAt = Current;
        var field = new FieldDescriptorProto { Label = Label.Repeated };
        ParseFieldNameAndNumber(field);
        var entry = new DescriptorProto { Name = ProtoNames.MapEntryName(field.Name), Options = new MessageOptions { MapEntry = true } };
        entry.Field.Add(key);
        entry.Field.Add(value);
        var entryScope = Qualify(scope, entry.Name);
        if (!value.HasType) _references.Add(new TypeReference(TypeReferenceKind.FieldType, valueType, Qualify(entryScope, "value"), valueAt.Line, valueAt.Column, value, null));
        // Like protoc, the field names its entry relatively and the resolver qualifies it with everything else.
        field.TypeName = entry.Name;
        _references.Add(new TypeReference(TypeReferenceKind.FieldType, entry.Name, Qualify(scope, field.Name), fieldAt.Line, fieldAt.Column, field, null));
        if (TryConsume("[")) ParseFieldOptions(field);
        Expect(";");
        field.JsonName = field.HasJsonName ? field.JsonName : ProtoNames.ToJsonName(field.Name);
        fields.Add(field);
        message.NestedType.Add(entry);
    }

    private void ParseExtend(RepeatedField<FieldDescriptorProto> extensions, string scope)
    {
        var extendee = ParseTypeName("the name of the message to extend");
        Expect("{");
        while (!TryConsume("}"))
        {
            if (Current.Kind == ProtoTokenKind.End) throw Expected("\"}\" closing extend " + extendee.Name);
            if (TryConsume(";")) continue;
            ParseField(extensions, null, scope, oneofIndex: null, extendee);
        }
    }

    private void ParseExtensionRanges(DescriptorProto message)
    {
        var added = new List<DescriptorProto.Types.ExtensionRange>();
        do
        {
            var (start, end) = ParseRange(1, ProtoNames.MaxFieldNumber);
            added.Add(new DescriptorProto.Types.ExtensionRange { Start = (int)start, End = (int)end + 1 });
        }
        while (TryConsume(","));
        if (TryConsume("[")) ParseBracketedOptions(new ExtensionRangeOptions(), OptionTarget.ExtensionRange);
        Expect(";");
        message.ExtensionRange.Add(added);
    }

    private void ParseMessageReserved(DescriptorProto message)
    {
        if (Current.Kind == ProtoTokenKind.String)
        {
            do message.ReservedName.Add(Utf8(ExpectString("a reserved field name")));
            while (TryConsume(","));
        }
        else
        {
            do
            {
                var (start, end) = ParseRange(1, ProtoNames.MaxFieldNumber);
                message.ReservedRange.Add(new DescriptorProto.Types.ReservedRange { Start = (int)start, End = (int)end + 1 });
            }
            while (TryConsume(","));
        }
        Expect(";");
    }

    /// <summary>"n", "n to m" or "n to max", inclusive.</summary>
    private (long Start, long End) ParseRange(long min, long max)
    {
        var at = Current;
        var start = ExpectSignedInteger("a field number or range", min < 0 ? min : 0, max);
        var end = start;
        if (TryConsume("to"))
        {
            end = TryConsume("max") ? max : ExpectSignedInteger("a range end or \"max\"", min < 0 ? min : 0, max);
        }
        if (start < min || end < start) throw Error(at, $"Invalid range {start} to {end}.");
        return (start, end);
    }

    private EnumDescriptorProto ParseEnum()
    {
        var enumProto = new EnumDescriptorProto { Name = ExpectIdentifier("an enum name") };
        Expect("{");
        while (!TryConsume("}"))
        {
            if (Current.Kind == ProtoTokenKind.End) throw Expected("\"}\" closing enum " + enumProto.Name);
            if (TryConsume(";")) continue;
            if (TryConsume("option")) ParseOptionStatement(enumProto.Options ??= new EnumOptions(), OptionTarget.Enum);
            else if (TryConsume("reserved")) ParseEnumReserved(enumProto);
            else enumProto.Value.Add(ParseEnumValue());
        }
        enumProto.Options = NullIfEmpty(enumProto.Options);
        return enumProto;
    }

    private EnumValueDescriptorProto ParseEnumValue()
    {
        var value = new EnumValueDescriptorProto { Name = ExpectIdentifier("an enum value name or \"}\"") };
        Expect("=");
        value.Number = (int)ExpectSignedInteger("an enum value number", int.MinValue, int.MaxValue);
        if (TryConsume("["))
        {
            value.Options = new EnumValueOptions();
            ParseBracketedOptions(value.Options, OptionTarget.EnumValue);
            value.Options = NullIfEmpty(value.Options);
        }
        Expect(";");
        return value;
    }

    private void ParseEnumReserved(EnumDescriptorProto enumProto)
    {
        if (Current.Kind == ProtoTokenKind.String)
        {
            do enumProto.ReservedName.Add(Utf8(ExpectString("a reserved value name")));
            while (TryConsume(","));
        }
        else
        {
            do
            {
                // Enum ranges are inclusive, unlike message ranges.
                var (start, end) = ParseRange(int.MinValue, int.MaxValue);
                enumProto.ReservedRange.Add(new EnumDescriptorProto.Types.EnumReservedRange { Start = (int)start, End = (int)end });
            }
            while (TryConsume(","));
        }
        Expect(";");
    }
}
