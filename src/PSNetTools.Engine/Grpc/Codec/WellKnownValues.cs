using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace PSNetTools.Grpc.Codec;

/// <summary>
/// The google.protobuf well-known types in their natural .NET form, as proto3 JSON maps them: Timestamp ↔ DateTime,
/// Duration ↔ TimeSpan, wrappers ↔ a nullable scalar, Struct/Value/ListValue ↔ dictionaries and lists, FieldMask ↔
/// "a,b.c", Any ↔ { '@type' = ...; fields }. They are matched by full name, so a copy that server reflection sent
/// is treated the same as Google.Protobuf's own.
/// </summary>
internal static class WellKnownValues
{
    private const string TypeUrlPrefix = "type.googleapis.com/";

    private static readonly HashSet<string> Wrappers = new(StringComparer.Ordinal)
    {
        "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value", "google.protobuf.UInt64Value",
        "google.protobuf.Int32Value", "google.protobuf.UInt32Value", "google.protobuf.BoolValue", "google.protobuf.StringValue",
        "google.protobuf.BytesValue",
    };

    public static bool IsSpecial(string fullName) => fullName switch
    {
        "google.protobuf.Timestamp" or "google.protobuf.Duration" or "google.protobuf.Struct" or "google.protobuf.Value"
            or "google.protobuf.ListValue" or "google.protobuf.FieldMask" or "google.protobuf.Any" => true,
        _ => Wrappers.Contains(fullName),
    };

    /// <summary>Types whose plain field-by-field form (e.g. @{ seconds = 1; nanos = 5 }) is also accepted.</summary>
    public static bool TakesFieldsAsDictionary(string fullName) =>
        fullName is "google.protobuf.Timestamp" or "google.protobuf.Duration" or "google.protobuf.FieldMask" || Wrappers.Contains(fullName);

    public static byte[] Encode(MessageDescriptor type, object value, string path, ProtoEncoder encoder)
    {
        switch (type.FullName)
        {
            case "google.protobuf.Timestamp":
                return ToTimestamp(value, path).ToByteArray();
            case "google.protobuf.Duration":
                return ToDuration(value, path).ToByteArray();
            case "google.protobuf.Struct":
                return ToStruct(value, path).ToByteArray();
            case "google.protobuf.Value":
                return ToValue(value, path, 0).ToByteArray();
            case "google.protobuf.ListValue":
                return ToListValue(value, path, 0).ToByteArray();
            case "google.protobuf.FieldMask":
                return ToFieldMask(value, path).ToByteArray();
            case "google.protobuf.Any":
                return ToAny(value, path, encoder).ToByteArray();
            default:
                // A wrapper: its one field is 'value'.
                return encoder.EncodeNested(type, new Hashtable { ["value"] = value }, path);
        }
    }

    // The ranges proto3 JSON allows (Timestamp: years 1-9999; Duration: about ±10,000 years), which DateTime and
    // TimeSpan both hold.
    private const long MinTimestampSeconds = -62135596800;
    private const long MaxTimestampSeconds = 253402300799;
    private const long MaxDurationSeconds = 315576000000;

    public static object? Decode(MessageDescriptor type, ByteString data, ProtoDecoder decoder, int depth)
    {
        if (depth > 100) throw new FormatException("The response nests messages more than 100 deep.");
        switch (type.FullName)
        {
            case "google.protobuf.Timestamp":
                // Out of range or not normalized (negative nanos): the raw { seconds, nanos } rather than an exception.
                var timestamp = Timestamp.Parser.ParseFrom(data);
                return timestamp.Seconds is >= MinTimestampSeconds and <= MaxTimestampSeconds && timestamp.Nanos is >= 0 and <= 999_999_999
                    ? timestamp.ToDateTime() : decoder.DecodeGeneric(type, data, depth);
            case "google.protobuf.Duration":
                var duration = Duration.Parser.ParseFrom(data);
                var normalized = duration.Seconds is >= -MaxDurationSeconds and <= MaxDurationSeconds && duration.Nanos is > -1_000_000_000 and < 1_000_000_000
                    && (duration.Seconds == 0 || duration.Nanos == 0 || (duration.Seconds < 0) == (duration.Nanos < 0));
                return normalized ? duration.ToTimeSpan() : decoder.DecodeGeneric(type, data, depth);
            case "google.protobuf.Struct":
                return FromStruct(Struct.Parser.ParseFrom(data));
            case "google.protobuf.Value":
                return FromValue(Value.Parser.ParseFrom(data));
            case "google.protobuf.ListValue":
                return ListValue.Parser.ParseFrom(data).Values.Select(FromValue).ToArray();
            case "google.protobuf.FieldMask":
                return string.Join(",", FieldMask.Parser.ParseFrom(data).Paths);
            case "google.protobuf.Any":
                return FromAny(Any.Parser.ParseFrom(data), decoder, depth + 1);
            default:
                return decoder.DecodeGeneric(type, data, depth)["value"];
        }
    }

    private static Timestamp ToTimestamp(object value, string path)
    {
        switch (value)
        {
            case DateTimeOffset offset:
                return Timestamp.FromDateTimeOffset(offset);
            case DateTime time:
                // Get-Date gives local time; a time with no zone is taken as UTC (as RFC 3339 text without an offset is).
                return Timestamp.FromDateTime(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc));
            case string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed):
                return Timestamp.FromDateTimeOffset(parsed);
            default:
                throw ProtoScalars.Mismatch(value, path, "google.protobuf.Timestamp", "a DateTime, a DateTimeOffset or an RFC 3339 string");
        }
    }

    private static Duration ToDuration(object value, string path)
    {
        switch (value)
        {
            case TimeSpan span:
                return Duration.FromTimeSpan(span);
            case string text when text.EndsWith('s') && decimal.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds):
                return FromSeconds(seconds, path);
            // Only the hh:mm:ss form: TimeSpan.Parse("5") would be five days.
            case string text when text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span):
                return Duration.FromTimeSpan(span);
            case double d when !double.IsFinite(d):
                throw new ProtoValueException(path, $"{d} is not a duration.");
            case sbyte or byte or short or ushort or int or uint or long or ulong or double or float or decimal:
                decimal number;
                try
                {
                    number = Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                }
                catch (OverflowException)
                {
                    throw new ProtoValueException(path, $"{value} seconds is beyond the range of google.protobuf.Duration (±{MaxDurationSeconds} s).");
                }
                return FromSeconds(number, path);
            default:
                throw ProtoScalars.Mismatch(value, path, "google.protobuf.Duration", "a TimeSpan, seconds as a number, or a string like '1.5s'");
        }

        static Duration FromSeconds(decimal seconds, string path)
        {
            if (Math.Abs(seconds) > MaxDurationSeconds) throw new ProtoValueException(path, $"{seconds} seconds is beyond the range of google.protobuf.Duration (±{MaxDurationSeconds} s).");
            var whole = decimal.Truncate(seconds);
            return new Duration { Seconds = (long)whole, Nanos = (int)((seconds - whole) * 1_000_000_000m) };
        }
    }

    private static Struct ToStruct(object value, string path)
    {
        if (value is not IDictionary map) throw ProtoScalars.Mismatch(value, path, "google.protobuf.Struct", "a hashtable or object");
        return ToValue(map, path, 0).StructValue;
    }

    private static ListValue ToListValue(object value, string path, int depth)
    {
        if (value is not IEnumerable items || value is string || value is IDictionary)
        {
            throw ProtoScalars.Mismatch(value, path, "google.protobuf.ListValue", "a list");
        }
        var list = new ListValue();
        var i = 0;
        foreach (var item in items) list.Values.Add(ToValue(item, $"{path}[{i++}]", depth + 1));
        return list;
    }

    private static Value ToValue(object? value, string path, int depth)
    {
        if (depth > 100) throw new ProtoValueException(path, "the value is nested more than 100 deep.");
        switch (value)
        {
            case null:
                return Value.ForNull();
            case string s:
                return Value.ForString(s);
            case bool b:
                return Value.ForBool(b);
            case sbyte or byte or short or ushort or int or uint or long or ulong or double or float or decimal:
                return Value.ForNumber(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case DateTime or DateTimeOffset or TimeSpan or Guid or System.Enum or char:
                return Value.ForString(Convert.ToString(value, CultureInfo.InvariantCulture)!);
            case IDictionary map:
                var fields = new Struct();
                foreach (DictionaryEntry e in map) fields.Fields[e.Key.ToString()!] = ToValue(e.Value, $"{path}.{e.Key}", depth + 1);
                return Value.ForStruct(fields);
            case IEnumerable:
                return new Value { ListValue = ToListValue(value, path, depth) };
            default:
                throw ProtoScalars.Mismatch(value, path, "google.protobuf.Value", "null, a string, number, bool, hashtable or list");
        }
    }

    private static FieldMask ToFieldMask(object value, string path)
    {
        var mask = new FieldMask();
        switch (value)
        {
            case string s:
                mask.Paths.AddRange(s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                break;
            case IEnumerable items and not IDictionary:
                foreach (var item in items) mask.Paths.Add(ProtoScalars.ToText(item ?? "", path));
                break;
            default:
                throw ProtoScalars.Mismatch(value, path, "google.protobuf.FieldMask", "'path1,path2' or a list of paths");
        }
        return mask;
    }

    private static Any ToAny(object value, string path, ProtoEncoder encoder)
    {
        if (value is not IDictionary map) throw ProtoScalars.Mismatch(value, path, "google.protobuf.Any", "a hashtable with '@type'");
        var typeUrl = map["@type"]?.ToString();
        if (string.IsNullOrEmpty(typeUrl)) throw new ProtoValueException(path, "an Any needs '@type', e.g. @{ '@type' = 'type.googleapis.com/pkg.Message'; field = 1 }.");
        var typeName = typeUrl[(typeUrl.LastIndexOf('/') + 1)..];
        var type = encoder.FindType(typeName)
            ?? throw new ProtoValueException($"{path}.@type", $"the message type '{typeName}' is not known from the service's descriptors.");
        var rest = new System.Collections.Specialized.OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry e in map)
        {
            if (!string.Equals(e.Key.ToString(), "@type", StringComparison.Ordinal)) rest[e.Key] = e.Value;
        }
        // A well-known type inside an Any carries its natural form under 'value' (proto3 JSON).
        object? body = IsSpecial(type.FullName) && rest.Contains("value") ? rest["value"] : rest;
        var bytes = encoder.EncodeNested(type, body, path);
        return new Any { TypeUrl = typeUrl.Contains('/', StringComparison.Ordinal) ? typeUrl : TypeUrlPrefix + typeUrl, Value = ByteString.CopyFrom(bytes) };
    }

    private static ProtoMessage FromStruct(Struct value) =>
        new("google.protobuf.Struct", [.. value.Fields.Select(f => new KeyValuePair<string, object?>(f.Key, FromValue(f.Value)))]);

    private static object? FromValue(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.NumberValue => value.NumberValue,
        Value.KindOneofCase.StringValue => value.StringValue,
        Value.KindOneofCase.BoolValue => value.BoolValue,
        Value.KindOneofCase.StructValue => FromStruct(value.StructValue),
        Value.KindOneofCase.ListValue => value.ListValue.Values.Select(FromValue).ToArray(),
        _ => null,
    };

    private static ProtoMessage FromAny(Any any, ProtoDecoder decoder, int depth)
    {
        var typeName = any.TypeUrl[(any.TypeUrl.LastIndexOf('/') + 1)..];
        var fields = new List<KeyValuePair<string, object?>> { new("@type", any.TypeUrl) };
        var type = decoder.FindType(typeName);
        if (type is null)
        {
            fields.Add(new("value", any.Value.ToByteArray()));
        }
        else if (IsSpecial(type.FullName))
        {
            fields.Add(new("value", Decode(type, any.Value, decoder, depth + 1)));
        }
        else
        {
            fields.AddRange(decoder.DecodeGeneric(type, any.Value, depth + 1).Fields);
        }
        return new ProtoMessage("google.protobuf.Any", fields);
    }
}
