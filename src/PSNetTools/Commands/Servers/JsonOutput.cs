using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;

namespace PSNetTools.Commands.Servers;

/// <summary>
/// What Start-HttpServer sends for a handler's output, and how request bodies become PowerShell objects: hashtables
/// and PSCustomObjects become JSON objects, collections arrays, dates ISO 8601, enums their names (as ConvertTo-Json
/// -EnumsAsStrings would), and JSON objects in requests become PSCustomObjects (as ConvertFrom-Json makes them).
/// </summary>
internal static class JsonOutput
{
    private const int MaxDepth = 16;

    public static byte[] Serialize(object? value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, value, 0);
        }
        return stream.ToArray();
    }

    private static void Write(Utf8JsonWriter w, object? value, int depth)
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
        if (depth >= MaxDepth)
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
                    Write(w, entry.Value, depth + 1);
                }
                w.WriteEndObject();
                return;
            case PSObject custom:
                w.WriteStartObject();
                foreach (var p in custom.Properties)
                {
                    w.WritePropertyName(p.Name);
                    Write(w, p.Value, depth + 1);
                }
                w.WriteEndObject();
                return;
            case IEnumerable items:
                w.WriteStartArray();
                foreach (var item in items) Write(w, item, depth + 1);
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
            Write(w, v, depth + 1);
        }
        w.WriteEndObject();
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
