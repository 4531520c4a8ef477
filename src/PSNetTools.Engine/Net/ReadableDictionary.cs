using System.Collections.ObjectModel;

namespace PSNetTools.Net;

/// <summary>
/// A read-only dictionary that reads as "name=value; name=value" (see <see cref="ReadableList{T}"/>: Export-Csv writes
/// a value's ToString(), which for a plain dictionary is its type name). ConvertTo-Json still writes an object and
/// remoting a hashtable.
/// </summary>
public sealed class ReadableDictionary : ReadOnlyDictionary<string, string>
{
    public static new ReadableDictionary Empty { get; } = new(new Dictionary<string, string>());

    public ReadableDictionary(IDictionary<string, string> items)
        : base(items)
    {
    }

    /// <summary>The dictionary as it is, when it already is one; otherwise a copy that keeps the source's key comparer.</summary>
    public static ReadableDictionary From(IReadOnlyDictionary<string, string>? items) => items switch
    {
        null => Empty,
        ReadableDictionary readable => readable,
        Dictionary<string, string> dictionary => new(new Dictionary<string, string>(dictionary, dictionary.Comparer)),
        _ => new(items.ToDictionary(p => p.Key, p => p.Value)),
    };

    public override string ToString() => string.Join("; ", this.Select(p => $"{p.Key}={p.Value}"));
}
