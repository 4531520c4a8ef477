using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using PSNetTools.Servers;

namespace PSNetTools.Commands.Servers;

/// <summary>
/// What Start-HttpServer sends for a handler's output, and how request bodies become PowerShell objects: hashtables
/// and PSCustomObjects become JSON objects, collections arrays, dates ISO 8601, enums their names (as ConvertTo-Json
/// -EnumsAsStrings would), and JSON objects in requests become PSCustomObjects (as ConvertFrom-Json makes them).
/// Rich .NET objects are graphs (a FileInfo reaches System.Type, its assembly, every type in it...): the walk stops
/// at <see cref="DefaultDepth"/> levels (deeper values are their ToString(), as ConvertTo-Json -Depth does), refuses
/// output past <see cref="DefaultMaxBytes"/>, and checks the request's cancellation at every value, so a walk that
/// outlived the handler timeout stops instead of burning a core and gigabytes for minutes.
/// </summary>
internal static class JsonOutput
{
    /// <summary>Object levels serialized as JSON; ConvertTo-Json uses 2, which cuts off ordinary API answers.</summary>
    public const int DefaultDepth = 4;

    /// <summary>Bytes of response body a handler may produce.</summary>
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    // Pending output is moved to the stream in chunks of this size, so that the size check sees it early.
    private const int FlushBytes = 64 * 1024;

    public static byte[] Serialize(object? value) => Serialize(value, DefaultDepth, DefaultMaxBytes, CancellationToken.None);

    public static byte[] Serialize(object? value, int maxDepth, long maxBytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            new Walk(writer, maxDepth, maxBytes, cancellationToken).Write(value, 0);
            writer.Flush();
            Walk.CheckSize(writer.BytesCommitted, maxBytes);
        }
        return stream.ToArray();
    }

    /// <summary>The limit's own words, for the client's 500 and the server's log alike.</summary>
    public static HandlerLimitException TooLarge(long maxBytes) => new($"the response is larger than {maxBytes:N0} bytes (MaxResponseBytes).");

    private sealed class Walk(Utf8JsonWriter w, int maxDepth, long maxBytes, CancellationToken cancellationToken)
    {
        public static void CheckSize(long bytes, long maxBytes)
        {
            if (bytes > maxBytes) throw TooLarge(maxBytes);
        }

        public void Write(object? value, int depth)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (w.BytesPending > FlushBytes) w.Flush();
            CheckSize(w.BytesCommitted + w.BytesPending, maxBytes);
            WriteValue(value, depth);
        }

        private void WriteValue(object? value, int depth)
        {
            if (value is PSObject ps) value = ps.BaseObject is PSCustomObject ? ps : ps.BaseObject;
            switch (value)
            {
                case null:
                    w.WriteNullValue();
                    return;
                case string s:
                    w.WriteStringValue(s);
                    return;
                case char c:
                    w.WriteStringValue(c.ToString());
                    return;
                case bool b:
                    w.WriteBooleanValue(b);
                    return;
                case Enum e:
                    w.WriteStringValue(e.ToString());
                    return;
                case DateTime d:
                    w.WriteStringValue(d.ToString("O", CultureInfo.InvariantCulture));
                    return;
                case DateTimeOffset o:
                    w.WriteStringValue(o.ToString("O", CultureInfo.InvariantCulture));
                    return;
                case Guid or Uri or TimeSpan or Version or System.Net.IPAddress:
                    w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    return;
                case byte or sbyte or short or ushort or int or uint or long or ulong:
                    w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    return;
                case float or double or decimal:
                    var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (double.IsFinite(number)) w.WriteNumberValue(number);
                    else w.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
                    return;
            }
            if (depth >= maxDepth)
            {
                w.WriteStringValue(value.ToString());
                return;
            }
            switch (value)
            {
                case IDictionary dictionary:
                    w.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        w.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                        Write(entry.Value, depth + 1);
                    }
                    w.WriteEndObject();
                    return;
                case PSObject custom:
                    w.WriteStartObject();
                    foreach (var p in custom.Properties)
                    {
                        w.WritePropertyName(p.Name);
                        Write(p.Value, depth + 1);
                    }
                    w.WriteEndObject();
                    return;
                case IEnumerable items:
                    w.WriteStartArray();
                    foreach (var item in items) Write(item, depth + 1);
                    w.WriteEndArray();
                    return;
            }
            // Any other .NET object: its public properties, as ConvertTo-Json does.
            w.WriteStartObject();
            foreach (var p in PSObject.AsPSObject(value).Properties.Where(p => p.IsGettable && p.MemberType is PSMemberTypes.Property or PSMemberTypes.NoteProperty))
            {
                object? v;
                try
                {
                    v = p.Value;
                }
                catch (GetValueException)
                {
                    continue;
                }
                w.WritePropertyName(p.Name);
                Write(v, depth + 1);
            }
            w.WriteEndObject();
        }
    }

    /// <summary>Engine JSON values (ordered dictionaries, lists) as PowerShell objects.</summary>
    public static object? ToPowerShell(object? value) => value switch
    {
        System.Collections.Specialized.OrderedDictionary map => ToCustomObject(map),
        IList list and not Array => list.Cast<object?>().Select(ToPowerShell).ToArray(),
        _ => value,
    };

    private static PSObject ToCustomObject(System.Collections.Specialized.OrderedDictionary map)
    {
        var result = new PSObject();
        foreach (DictionaryEntry entry in map) result.Properties.Add(new PSNoteProperty((string)entry.Key, ToPowerShell(entry.Value)));
        return result;
    }
}
