using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace PSNetTools.Grpc.Codec;

/// <summary>
/// Encodes a value tree (dictionaries for messages and maps, lists for repeated fields, scalars) as the protobuf
/// message a descriptor describes. C# protobuf has no dynamic message, so this walks the descriptor itself.
/// Field names match the proto name or the JSON name, ignoring case; anything that does not fit names its path.
/// </summary>
internal sealed class ProtoEncoder
{
    private const int MaxDepth = 100;
    private readonly Func<string, MessageDescriptor?> _findType;

    /// <param name="findType">Resolves a full message name, for google.protobuf.Any bodies ("@type").</param>
    public ProtoEncoder(Func<string, MessageDescriptor?> findType)
    {
        _findType = findType;
    }

    public byte[] Encode(MessageDescriptor type, object? body, string path = "body") => MessageBytes(type, body, path, 0);

    internal byte[] MessageBytes(MessageDescriptor type, object? body, string path, int depth)
    {
        if (depth > MaxDepth) throw new ProtoValueException(path, $"the body is nested more than {MaxDepth} deep.");
        if (body is null) return [];
        if (WellKnownValues.IsSpecial(type.FullName) && !(body is IDictionary && WellKnownValues.TakesFieldsAsDictionary(type.FullName)))
        {
            return WellKnownValues.Encode(type, body, path, this);
        }
        if (body is not IDictionary fields) throw ProtoScalars.Mismatch(body, path, $"message {type.FullName}", "a hashtable, an object or JSON");
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream, leaveOpen: true);
        WriteFields(output, type, fields, path, depth);
        output.Flush();
        return stream.ToArray();
    }

    private void WriteFields(CodedOutputStream output, MessageDescriptor type, IDictionary fields, string path, int depth)
    {
        var setOneofs = new Dictionary<OneofDescriptor, string>();
        var given = new Dictionary<int, string>();
        foreach (DictionaryEntry entry in fields)
        {
            var name = entry.Key?.ToString() ?? "";
            var field = FindField(type, name) ?? throw new ProtoValueException(
                $"{path}.{name}", $"{type.FullName} has no field '{name}'. Its fields: {string.Join(", ", type.Fields.InDeclarationOrder().Select(f => $"{f.Name} ({TypeLabel(f)})"))}.");
            var fieldPath = $"{path}.{field.Name}";
            // 'int32_value' and 'int32Value' are the same field: given twice, which one was meant is unknown.
            if (!given.TryAdd(field.FieldNumber, name)) throw new ProtoValueException(fieldPath, $"given twice, as '{given[field.FieldNumber]}' and '{name}'.");
            if (entry.Value is null) continue;
            if (field.RealContainingOneof is { } oneof)
            {
                if (setOneofs.TryGetValue(oneof, out var other))
                {
                    throw new ProtoValueException(fieldPath, $"'{other}' and '{field.Name}' are both members of oneof '{oneof.Name}': set only one.");
                }
                setOneofs[oneof] = field.Name;
            }
            WriteField(output, field, entry.Value, fieldPath, depth);
        }
    }

    internal static FieldDescriptor? FindField(MessageDescriptor type, string name) =>
        type.FindFieldByName(name)
        ?? type.Fields.InDeclarationOrder().FirstOrDefault(f =>
            string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(f.JsonName, name, StringComparison.OrdinalIgnoreCase));

    internal static string TypeLabel(FieldDescriptor field)
    {
        if (field.IsMap) return $"map<{TypeLabel(field.MessageType.FindFieldByNumber(1))}, {TypeLabel(field.MessageType.FindFieldByNumber(2))}>";
        var name = field.FieldType switch
        {
            FieldType.Message or FieldType.Group => field.MessageType.FullName,
            FieldType.Enum => field.EnumType.FullName,
            _ => field.FieldType.ToString().ToLowerInvariant(),
        };
        return field.IsRepeated ? $"repeated {name}" : name;
    }

    private void WriteField(CodedOutputStream output, FieldDescriptor field, object value, string path, int depth)
    {
        if (field.IsMap)
        {
            if (value is not IDictionary map) throw ProtoScalars.Mismatch(value, path, TypeLabel(field), "a hashtable");
            var keyField = field.MessageType.FindFieldByNumber(1);
            var valueField = field.MessageType.FindFieldByNumber(2);
            foreach (DictionaryEntry entry in map)
            {
                var entryPath = $"{path}[{entry.Key}]";
                using var stream = new MemoryStream();
                var inner = new CodedOutputStream(stream, leaveOpen: true);
                WriteSingle(inner, keyField, MapKey(entry.Key, keyField, entryPath), entryPath, depth + 1);
                if (entry.Value is not null) WriteSingle(inner, valueField, entry.Value, entryPath, depth + 1);
                inner.Flush();
                output.WriteTag(field.FieldNumber, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFrom(stream.GetBuffer(), 0, (int)stream.Length));
            }
            return;
        }
        if (!field.IsRepeated)
        {
            WriteSingle(output, field, value, path, depth);
            return;
        }

        var items = value is IEnumerable list and not string and not byte[] and not IDictionary ? list.Cast<object?>().ToList() : [value];
        if (field.IsPacked && IsPackable(field.FieldType))
        {
            using var stream = new MemoryStream();
            var packed = new CodedOutputStream(stream, leaveOpen: true);
            for (var i = 0; i < items.Count; i++)
            {
                WriteScalar(packed, field, items[i] ?? throw new ProtoValueException($"{path}[{i}]", "a repeated field cannot hold null."), $"{path}[{i}]");
            }
            packed.Flush();
            output.WriteTag(field.FieldNumber, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(stream.GetBuffer(), 0, (int)stream.Length));
            return;
        }
        for (var i = 0; i < items.Count; i++)
        {
            WriteSingle(output, field, items[i] ?? throw new ProtoValueException($"{path}[{i}]", "a repeated field cannot hold null."), $"{path}[{i}]", depth);
        }
    }

    private static object MapKey(object key, FieldDescriptor keyField, string path) =>
        // Hashtable keys are often strings even for integer-keyed maps (JSON object keys always are); the scalar
        // conversion parses them.
        keyField.FieldType == FieldType.Bool && key is string s ? ProtoScalars.ToBool(s, path) : key;

    private void WriteSingle(CodedOutputStream output, FieldDescriptor field, object value, string path, int depth)
    {
        if (field.FieldType == FieldType.Group) throw new ProtoValueException(path, "proto2 groups are not supported.");
        if (field.FieldType == FieldType.Message)
        {
            output.WriteTag(field.FieldNumber, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(MessageBytes(field.MessageType, value, path, depth + 1)));
            return;
        }
        output.WriteTag(field.FieldNumber, WireType(field.FieldType));
        WriteScalar(output, field, value, path);
    }

    internal byte[] EncodeNested(MessageDescriptor type, object? body, string path) => MessageBytes(type, body, path, 1);

    internal MessageDescriptor? FindType(string fullName) => _findType(fullName);

    private static void WriteScalar(CodedOutputStream output, FieldDescriptor field, object value, string path)
    {
        switch (field.FieldType)
        {
            case FieldType.Double: output.WriteDouble(ProtoScalars.ToDouble(value, path, "double")); break;
            case FieldType.Float: output.WriteFloat(ProtoScalars.ToFloat(value, path)); break;
            case FieldType.Int64: output.WriteInt64(ProtoScalars.ToInt64(value, path, "int64", long.MinValue, long.MaxValue)); break;
            case FieldType.SInt64: output.WriteSInt64(ProtoScalars.ToInt64(value, path, "sint64", long.MinValue, long.MaxValue)); break;
            case FieldType.SFixed64: output.WriteSFixed64(ProtoScalars.ToInt64(value, path, "sfixed64", long.MinValue, long.MaxValue)); break;
            case FieldType.UInt64: output.WriteUInt64(ProtoScalars.ToUInt64(value, path, "uint64", ulong.MaxValue)); break;
            case FieldType.Fixed64: output.WriteFixed64(ProtoScalars.ToUInt64(value, path, "fixed64", ulong.MaxValue)); break;
            case FieldType.Int32: output.WriteInt32((int)ProtoScalars.ToInt64(value, path, "int32", int.MinValue, int.MaxValue)); break;
            case FieldType.SInt32: output.WriteSInt32((int)ProtoScalars.ToInt64(value, path, "sint32", int.MinValue, int.MaxValue)); break;
            case FieldType.SFixed32: output.WriteSFixed32((int)ProtoScalars.ToInt64(value, path, "sfixed32", int.MinValue, int.MaxValue)); break;
            case FieldType.UInt32: output.WriteUInt32((uint)ProtoScalars.ToUInt64(value, path, "uint32", uint.MaxValue)); break;
            case FieldType.Fixed32: output.WriteFixed32((uint)ProtoScalars.ToUInt64(value, path, "fixed32", uint.MaxValue)); break;
            case FieldType.Bool: output.WriteBool(ProtoScalars.ToBool(value, path)); break;
            case FieldType.String: output.WriteString(ProtoScalars.ToText(value, path)); break;
            case FieldType.Bytes: output.WriteBytes(ByteString.CopyFrom(ProtoScalars.ToBytes(value, path))); break;
            case FieldType.Enum: output.WriteEnum(ProtoScalars.ToEnum(value, field.EnumType, path)); break;
            default: throw new ProtoValueException(path, $"a {field.FieldType} field cannot be written as a scalar.");
        }
    }

    internal static bool IsPackable(FieldType type) => type is not (FieldType.String or FieldType.Bytes or FieldType.Message or FieldType.Group);

    internal static WireFormat.WireType WireType(FieldType type) => type switch
    {
        FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => WireFormat.WireType.Fixed64,
        FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => WireFormat.WireType.Fixed32,
        FieldType.String or FieldType.Bytes or FieldType.Message => WireFormat.WireType.LengthDelimited,
        FieldType.Group => WireFormat.WireType.StartGroup,
        _ => WireFormat.WireType.Varint,
    };
}
