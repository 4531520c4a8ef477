using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using PSNetTools.Grpc.Codec;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

/// <summary>
/// -Body values to the engine's plain value tree (hashtables and PSCustomObjects become dictionaries, JSON text is
/// parsed), and decoded messages back to PSCustomObjects typed PSNetTools.Grpc.Message#package.Type.
/// </summary>
internal static class GrpcValues
{
    public const string MessageTypePrefix = "PSNetTools.Grpc.Message#";

    public static object? ToEngine(object? value, int depth = 0)
    {
        if (depth > 100) throw new ProtoValueException("body", "the body is nested more than 100 deep (a cycle?).");
        if (value is PSObject ps)
        {
            if (ps.BaseObject is PSCustomObject)
            {
                var map = new OrderedDictionary(StringComparer.Ordinal);
                foreach (var p in ps.Properties) map[p.Name] = ToEngine(p.Value, depth + 1);
                return map;
            }
            value = ps.BaseObject;
        }
        return value switch
        {
            string s when depth == 0 => s.TrimStart().StartsWith('{') ? JsonBodyReader.Read(s)
                : throw new ProtoValueException("body", "a -Body string must be a JSON object, e.g. '{\"a\": 10}'; or give a hashtable: @{ a = 10 }."),
            IDictionary d => PowerShellValues.Entries(d).Aggregate(new OrderedDictionary(), (m, e) =>
            {
                m[e.Key is PSObject key ? key.BaseObject : e.Key] = ToEngine(e.Value, depth + 1);
                return m;
            }),
            string or byte[] => value,
            IEnumerable items => items.Cast<object?>().Select(i => ToEngine(i, depth + 1)).ToArray(),
            _ => value,
        };
    }

    public static object? ToPowerShell(object? value) => value switch
    {
        // A Struct is a JSON object: its keys may differ only in case, which PSCustomObject properties cannot hold.
        ProtoMessage { TypeName: "google.protobuf.Struct" } structValue => structValue.Fields.Aggregate(new OrderedDictionary(StringComparer.Ordinal), (m, f) =>
        {
            m[f.Key] = ToPowerShell(f.Value);
            return m;
        }),
        ProtoMessage message => ToCustomObject(message),
        // Not an OrderedDictionary: its int indexer is positional, so $map[5] would be the sixth entry, not key 5.
        IDictionary map => PowerShellValues.Entries(map).Aggregate(new Dictionary<object, object?>(MapKeyComparer.Instance), (m, e) =>
        {
            m[e.Key] = ToPowerShell(e.Value);
            return m;
        }),
        object?[] items => items.Select(ToPowerShell).ToArray(),
        _ => value,
    };

    private static PSObject ToCustomObject(ProtoMessage message)
    {
        var o = new PSObject();
        foreach (var field in message.Fields) o.Properties.Add(new PSNoteProperty(field.Key, ToPowerShell(field.Value)));
        o.TypeNames.Insert(0, MessageTypePrefix + message.TypeName);
        return o;
    }

    /// <summary>
    /// Map keys keep their protobuf type (an int64 key is a long), but PowerShell's 5 is an int: integer keys compare
    /// by value, so $reply.innerMap[5] finds the entry whatever the key's width. Other keys compare as usual.
    /// </summary>
    private sealed class MapKeyComparer : IEqualityComparer<object>
    {
        public static MapKeyComparer Instance { get; } = new();

        public new bool Equals(object? x, object? y) =>
            AsInteger(x) is { } a && AsInteger(y) is { } b ? a == b : object.Equals(x, y);

        public int GetHashCode(object obj) => AsInteger(obj) is { } n ? n.GetHashCode() : obj.GetHashCode();

        private static decimal? AsInteger(object? value) => value switch
        {
            sbyte or byte or short or ushort or int or uint or long or ulong => Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture),
            PSObject ps => AsInteger(ps.BaseObject),
            _ => null,
        };
    }
}
