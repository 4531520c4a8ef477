using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace PSNetTools.Grpc.Codec;

/// <summary>
/// Decodes protobuf bytes into <see cref="ProtoMessage"/>s by walking the descriptor. Every declared field appears,
/// so rows from one method export as the same columns: scalars fall back to their defaults as proto3 does, while
/// unset message fields, optional fields and oneof members are null. Unknown fields are skipped.
/// </summary>
internal sealed class ProtoDecoder
{
    private const int MaxDepth = 100;
    private readonly Func<string, MessageDescriptor?> _findType;

    /// <param name="findType">Resolves a full message name, for the contents of google.protobuf.Any.</param>
    public ProtoDecoder(Func<string, MessageDescriptor?> findType)
    {
        _findType = findType;
    }

    internal MessageDescriptor? FindType(string fullName) => _findType(fullName);

    /// <summary>The message, or the natural value of a well-known type (a bare Timestamp response becomes a DateTime).</summary>
    public object? Decode(MessageDescriptor type, byte[] data) => DecodeValue(type, ByteString.CopyFrom(data), 0);

    internal object? DecodeValue(MessageDescriptor type, ByteString data, int depth) =>
        WellKnownValues.IsSpecial(type.FullName) ? WellKnownValues.Decode(type, data, this, depth) : DecodeGeneric(type, data, depth);

    internal ProtoMessage DecodeGeneric(MessageDescriptor type, ByteString data, int depth)
    {
        if (depth > MaxDepth) throw new FormatException($"The response nests messages more than {MaxDepth} deep.");
        var values = new Dictionary<int, object?>();
        var input = new CodedInputStream(data.ToByteArray());
        try
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                var field = type.FindFieldByNumber(WireFormat.GetTagFieldNumber(tag));
                var wire = WireFormat.GetTagWireType(tag);
                if (field is null || field.FieldType == FieldType.Group)
                {
                    input.SkipLastField();
                    continue;
                }
                if (field.IsMap)
                {
                    if (wire != WireFormat.WireType.LengthDelimited)
                    {
                        input.SkipLastField();
                        continue;
                    }
                    var entry = DecodeGeneric(field.MessageType, input.ReadBytes(), depth + 1);
                    var map = (Dictionary<object, object?>)(values.TryGetValue(field.FieldNumber, out var m) ? m! : values[field.FieldNumber] = new Dictionary<object, object?>());
                    map[entry.Fields[0].Value ?? ""] = entry.Fields[1].Value;
                    continue;
                }
                if (field.IsRepeated)
                {
                    var list = (List<object?>)(values.TryGetValue(field.FieldNumber, out var l) ? l! : values[field.FieldNumber] = new List<object?>());
                    if (wire == WireFormat.WireType.LengthDelimited && ProtoEncoder.IsPackable(field.FieldType))
                    {
                        // Packed and unpacked encodings are both valid for packable fields, whatever the descriptor says.
                        var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
                        while (!packed.IsAtEnd) list.Add(ReadScalar(packed, field));
                        continue;
                    }
                    if (wire != ProtoEncoder.WireType(field.FieldType))
                    {
                        input.SkipLastField();
                        continue;
                    }
                    list.Add(ReadSingle(input, field, depth));
                    continue;
                }
                if (wire != ProtoEncoder.WireType(field.FieldType))
                {
                    input.SkipLastField();
                    continue;
                }
                if (field.RealContainingOneof is { } oneof)
                {
                    // The last member seen wins, as protobuf defines for a oneof.
                    foreach (var member in oneof.Fields) values.Remove(member.FieldNumber);
                }
                values[field.FieldNumber] = ReadSingle(input, field, depth);
            }
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new FormatException($"The bytes are not a valid {type.FullName}: {ex.Message}", ex);
        }

        var fields = new List<KeyValuePair<string, object?>>(type.Fields.InDeclarationOrder().Count);
        foreach (var field in type.Fields.InDeclarationOrder())
        {
            values.TryGetValue(field.FieldNumber, out var value);
            fields.Add(new(field.JsonName, value switch
            {
                List<object?> list => list.ToArray(),
                null => DefaultValue(field),
                _ => value,
            }));
        }
        return new ProtoMessage(type.FullName, fields);
    }

    private static object? DefaultValue(FieldDescriptor field)
    {
        if (field.IsMap) return new Dictionary<object, object?>();
        if (field.IsRepeated) return Array.Empty<object?>();
        if (field.HasPresence || field.FieldType == FieldType.Message) return null;
        return field.FieldType switch
        {
            FieldType.Double => 0d,
            FieldType.Float => 0f,
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => 0L,
            FieldType.UInt64 or FieldType.Fixed64 => 0UL,
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => 0,
            FieldType.UInt32 or FieldType.Fixed32 => 0U,
            FieldType.Bool => false,
            FieldType.String => "",
            FieldType.Bytes => Array.Empty<byte>(),
            FieldType.Enum => EnumName(field.EnumType, 0),
            _ => null,
        };
    }

    private object? ReadSingle(CodedInputStream input, FieldDescriptor field, int depth) =>
        field.FieldType == FieldType.Message ? DecodeValue(field.MessageType, input.ReadBytes(), depth + 1) : ReadScalar(input, field);

    private static object ReadScalar(CodedInputStream input, FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Double => input.ReadDouble(),
        FieldType.Float => input.ReadFloat(),
        FieldType.Int64 => input.ReadInt64(),
        FieldType.SInt64 => input.ReadSInt64(),
        FieldType.SFixed64 => input.ReadSFixed64(),
        FieldType.UInt64 => input.ReadUInt64(),
        FieldType.Fixed64 => input.ReadFixed64(),
        FieldType.Int32 => input.ReadInt32(),
        FieldType.SInt32 => input.ReadSInt32(),
        FieldType.SFixed32 => input.ReadSFixed32(),
        FieldType.UInt32 => input.ReadUInt32(),
        FieldType.Fixed32 => input.ReadFixed32(),
        FieldType.Bool => input.ReadBool(),
        FieldType.String => input.ReadString(),
        FieldType.Bytes => input.ReadBytes().ToByteArray(),
        FieldType.Enum => EnumName(field.EnumType, input.ReadEnum()),
        _ => throw new FormatException($"Field {field.FullName} has type {field.FieldType}, which cannot be read as a scalar."),
    };

    // proto3 enums are open: a number the descriptor does not name stays a number.
    private static object EnumName(EnumDescriptor type, int number) => (object?)type.FindValueByNumber(number)?.Name ?? number;
}
