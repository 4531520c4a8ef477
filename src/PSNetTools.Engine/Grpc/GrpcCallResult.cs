using System.Globalization;

namespace PSNetTools.Grpc;

/// <summary>
/// How one call ended, for callers that asked for its metadata: the status, the response headers and trailers, and
/// whether the replies came compressed. The headers and trailers are joined text ("key: value; key: value") so that
/// Export-Csv writes them as they read; <see cref="GetResponseHeaders"/> and <see cref="GetTrailers"/> give them by key.
/// </summary>
public sealed record GrpcCallResult
{
    /// <summary>package.Service/Method.</summary>
    public required string Method { get; init; }

    /// <summary>The status code's name: OK, DeadlineExceeded, Cancelled...</summary>
    public required string Status { get; init; }

    public string Detail { get; init; } = "";

    public int ResponseCount { get; init; }

    /// <summary>The response's grpc-encoding header: gzip when the replies came compressed, identity (or empty: not sent) when not.</summary>
    public string ResponseEncoding { get; init; } = "";

    /// <summary>The request messages were sent with this encoding (identity: not compressed).</summary>
    public string RequestEncoding { get; init; } = "identity";

    public bool ResponseCompressed => ResponseEncoding.Length > 0 && ResponseEncoding != "identity";

    public double ElapsedMs { get; init; }

    public string ResponseHeaders => Join(ResponseHeaderEntries);

    public string Trailers => Join(TrailerEntries);

    /// <summary>Response headers as sent (a key sent twice is there twice); binary (-bin) values in base64.</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> ResponseHeaderEntries { get; init; } = [];

    /// <summary>Trailers as sent; binary (-bin) values in base64.</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> TrailerEntries { get; init; } = [];

    /// <summary>The response headers by key (a key sent twice has its values joined with ", ").</summary>
    public IReadOnlyDictionary<string, string> GetResponseHeaders() => ByKey(ResponseHeaderEntries);

    /// <summary>The trailers by key (a key sent twice has its values joined with ", ").</summary>
    public IReadOnlyDictionary<string, string> GetTrailers() => ByKey(TrailerEntries);

    private static string Join(IReadOnlyList<KeyValuePair<string, string>> entries) =>
        string.Join("; ", entries.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}: {e.Value}")));

    private static Dictionary<string, string> ByKey(IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in entries) map[key] = map.TryGetValue(key, out var before) ? before + ", " + value : value;
        return map;
    }
}
