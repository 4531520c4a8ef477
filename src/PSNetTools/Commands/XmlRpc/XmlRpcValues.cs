using System.Collections;
using System.Management.Automation;
using PSNetTools.XmlRpc;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.XmlRpc;

/// <summary>PowerShell values to the engine's XML-RPC values and back: hashtables and PSCustomObjects are structs, structs come back as PSCustomObjects.</summary>
internal static class XmlRpcValues
{
    public static object? ToEngine(object? value, int depth = 0)
    {
        if (depth >= XmlRpcReadLimits.DefaultMaxDepth) throw new ArgumentException($"The value is nested more than {XmlRpcReadLimits.DefaultMaxDepth} deep (a cycle?).");
        if (value is PSObject ps)
        {
            if (ps.BaseObject is PSCustomObject)
            {
                var map = new System.Collections.Specialized.OrderedDictionary(StringComparer.Ordinal);
                foreach (var p in ps.Properties) map[p.Name] = ToEngine(p.Value, depth + 1);
                return map;
            }
            value = ps.BaseObject;
        }
        return value switch
        {
            null or string or char or bool or sbyte or byte or short or ushort or int or uint or long or ulong or double or float or decimal
                or DateTime or DateTimeOffset or byte[] => value,
            IDictionary d => PowerShellValues.Entries(d).Aggregate(new System.Collections.Specialized.OrderedDictionary(StringComparer.Ordinal), (m, e) =>
            {
                m[e.Key.ToString()!] = ToEngine(e.Value, depth + 1);
                return m;
            }),
            IEnumerable items => items.Cast<object?>().Select(i => ToEngine(i, depth + 1)).ToArray(),
            _ => value.ToString(),
        };
    }

    // A PSCustomObject cannot have a property named '' (XML-RPC and Python allow such a member): that struct stays an
    // ordered dictionary, so $s[''] still finds it instead of the whole value failing.
    public static object? ToPowerShell(object? value) => value switch
    {
        IDictionary map when map.Contains("") => PowerShellValues.Entries(map).Aggregate(new System.Collections.Specialized.OrderedDictionary(StringComparer.Ordinal), (m, e) =>
        {
            m[e.Key] = ToPowerShell(e.Value);
            return m;
        }),
        IDictionary map => ToCustomObject(map),
        object?[] items => items.Select(ToPowerShell).ToArray(),
        _ => value,
    };

    private static PSObject ToCustomObject(IDictionary map)
    {
        var o = new PSObject();
        foreach (DictionaryEntry e in map) o.Properties.Add(new PSNoteProperty(e.Key.ToString()!, ToPowerShell(e.Value)));
        return o;
    }
}
