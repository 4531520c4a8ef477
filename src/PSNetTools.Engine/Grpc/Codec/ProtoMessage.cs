namespace PSNetTools.Grpc.Codec;

/// <summary>
/// A decoded protobuf message: its full type name and its fields in declaration order, under their JSON names.
/// Values are plain .NET values: numbers, strings, bool, byte[], DateTime (Timestamp), TimeSpan (Duration), enum
/// names, object?[] for repeated fields, Dictionary&lt;object, object?&gt; for maps, and nested ProtoMessages.
/// An unset message field, optional field or oneof member is null.
/// </summary>
public sealed class ProtoMessage
{
    public ProtoMessage(string typeName, IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
        TypeName = typeName;
        Fields = fields;
    }

    public string TypeName { get; }

    public IReadOnlyList<KeyValuePair<string, object?>> Fields { get; }

    public object? this[string name] => Fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.Ordinal)).Value;

    public override string ToString() => $"{TypeName} {{ {string.Join(", ", Fields.Select(f => $"{f.Key} = {f.Value}"))} }}";
}
