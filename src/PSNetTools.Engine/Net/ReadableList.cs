using System.Collections.ObjectModel;

namespace PSNetTools.Net;

/// <summary>
/// A read-only list that reads as its items joined with "; ". Output records hold their lists in it because
/// Export-Csv and ConvertTo-Csv write a value's ToString(): a plain list writes its .NET type name
/// (System.Collections.Generic.List`1[...]), this one the items. ConvertTo-Json and remoting still see a list.
/// </summary>
public sealed class ReadableList<T> : ReadOnlyCollection<T>
{
    public ReadableList(IList<T> items)
        : base(items)
    {
    }

    public override string ToString() => string.Join("; ", this);
}

/// <summary>Makes <see cref="ReadableList{T}"/>s for the records' init accessors.</summary>
public static class ReadableList
{
    /// <summary>The list as it is, when it already is one; otherwise a copy (so a caller's list can change later).</summary>
    public static ReadableList<T> From<T>(IEnumerable<T>? items) => items switch
    {
        null => Empty<T>(),
        ReadableList<T> readable => readable,
        _ => new([.. items]),
    };

    public static ReadableList<T> Empty<T>() => EmptyOf<T>.Value;

    private static class EmptyOf<T>
    {
        public static readonly ReadableList<T> Value = new([]);
    }
}
