using System.Collections;
using System.Text.Json;

namespace PSNetTools.Http;

/// <summary>Parses a request body into plain .NET values: JSON objects become ordered dictionaries, arrays lists.</summary>
public static class RequestBody
{
    public static object? Parse(string text, string contentType)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return null;
        var type = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (type == "application/x-www-form-urlencoded")
        {
            var form = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                form[Uri.UnescapeDataString(kv[0].Replace('+', ' '))] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "";
            }
            return form;
        }
        if (type.EndsWith("json", StringComparison.Ordinal) || (type.Length == 0 && text.TrimStart().StartsWith('{')))
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            return Convert(document.RootElement);
        }
        return text;
    }

    public static object? Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Aggregate(new System.Collections.Specialized.OrderedDictionary(StringComparer.OrdinalIgnoreCase), (d, p) =>
        {
            d[p.Name] = Convert(p.Value);
            return d;
        }),
        JsonValueKind.Array => element.EnumerateArray().Select(Convert).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt32(out var i) ? i : element.TryGetInt64(out var l) ? (object)l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
