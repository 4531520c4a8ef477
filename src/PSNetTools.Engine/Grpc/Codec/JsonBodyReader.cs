using System.Collections.Specialized;
using System.Text.Json;

namespace PSNetTools.Grpc.Codec;

/// <summary>A request body given as JSON text (what grpcurl -d takes) as the same value tree a hashtable gives.</summary>
public static class JsonBodyReader
{
    /// <exception cref="ProtoValueException">The text is not JSON.</exception>
    public static object? Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 100 });
            return Convert(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new ProtoValueException("body", $"the JSON does not parse: {ex.Message} (give a hashtable instead of a JSON string to skip the quoting).");
        }
    }

    private static object? Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Aggregate(new OrderedDictionary(StringComparer.Ordinal), (map, p) =>
        {
            map[p.Name] = Convert(p.Value);
            return map;
        }),
        JsonValueKind.Array => element.EnumerateArray().Select(Convert).ToArray(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when element.TryGetInt64(out var l) => l,
        JsonValueKind.Number when element.TryGetUInt64(out var u) => u,
        JsonValueKind.Number when element.TryGetDecimal(out var m) => m,
        JsonValueKind.Number => element.GetDouble(),
        _ => null,
    };
}
