using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace PSNetTools.Infrastructure;

/// <summary>
/// The one converter from what users pass as a dictionary (@{}, [ordered]@{}, a generic Dictionary, a PSObject around
/// any of them) to what the engine takes. Enumerating through IDictionary is the only way that works for all of them:
/// Cast&lt;DictionaryEntry&gt;() meets a generic Dictionary's KeyValuePairs and throws InvalidCastException.
/// </summary>
internal static class PowerShellValues
{
    public static object? Unwrap(object? value) => value is PSObject ps && ps.BaseObject is not PSCustomObject ? ps.BaseObject : value;

    public static IEnumerable<DictionaryEntry> Entries(IDictionary map)
    {
        ArgumentNullException.ThrowIfNull(map);
        foreach (DictionaryEntry entry in map) yield return entry;
    }

    /// <summary>Text the invariant way, so a header or metadata value is the same on every culture.</summary>
    public static string Text(object? value) => Convert.ToString(Unwrap(value), CultureInfo.InvariantCulture) ?? "";

    /// <summary>Names to text values, names compared case-insensitively (HTTP headers, gRPC metadata keys).</summary>
    public static Dictionary<string, string> TextMap(IDictionary? map)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (map is null) return result;
        foreach (var entry in Entries(map)) result[Text(entry.Key)] = Text(entry.Value);
        return result;
    }

    /// <summary>Names to text values in the order given, repeats kept (mail headers).</summary>
    public static List<KeyValuePair<string, string>> TextPairs(IDictionary? map) =>
        map is null ? [] : [.. Entries(map).Select(e => new KeyValuePair<string, string>(Text(e.Key), Text(e.Value)))];

    /// <summary>Names to unwrapped values (gRPC metadata, where a byte[] value is binary metadata).</summary>
    public static Dictionary<string, object> ValueMap(IDictionary? map)
    {
        var result = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        if (map is null) return result;
        foreach (var entry in Entries(map)) result[Text(entry.Key)] = Unwrap(entry.Value) ?? "";
        return result;
    }
}
