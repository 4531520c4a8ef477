using System.Globalization;
using System.Numerics;
using Google.Protobuf.Reflection;

namespace PSNetTools.Grpc.Codec;

/// <summary>
/// Converts the loosely typed values a user writes (PowerShell numbers of any width, numeric strings as proto3 JSON
/// allows, enum names) to the exact type a field wants, refusing anything that would lose information.
/// </summary>
internal static class ProtoScalars
{
    public static long ToInt64(object value, string path, string type, long min, long max)
    {
        var number = ToInteger(value, path, type);
        if (number < min || number > max) throw new ProtoValueException(path, $"{number} is out of range for {type} ({min} to {max}).");
        return (long)number;
    }

    public static ulong ToUInt64(object value, string path, string type, ulong max)
    {
        var number = ToInteger(value, path, type);
        if (number < 0 || number > max) throw new ProtoValueException(path, $"{number} is out of range for {type} (0 to {max}).");
        return (ulong)number;
    }

    public static double ToDouble(object value, string path, string type) => value switch
    {
        double d => d,
        float f => f,
        decimal m => (double)m,
        sbyte or byte or short or ushort or int or uint or long or ulong => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        BigInteger b => (double)b,
        string s when s is "NaN" or "Infinity" or "-Infinity" => double.Parse(s, CultureInfo.InvariantCulture),
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw Mismatch(value, path, type, "a number"),
    };

    public static float ToFloat(object value, string path)
    {
        var number = ToDouble(value, path, "float");
        if (double.IsFinite(number) && Math.Abs(number) > float.MaxValue) throw new ProtoValueException(path, $"{number} is out of range for float (±{float.MaxValue}).");
        return (float)number;
    }

    public static bool ToBool(object value, string path) => value switch
    {
        bool b => b,
        string s when bool.TryParse(s, out var b) => b,
        _ => throw Mismatch(value, path, "bool", "$true or $false"),
    };

    public static string ToText(object value, string path) => value switch
    {
        string s => s,
        char c => c.ToString(),
        Guid or Uri => value.ToString()!,
        sbyte or byte or short or ushort or int or uint or long or ulong or double or float or decimal => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => throw Mismatch(value, path, "string", "a string"),
    };

    public static byte[] ToBytes(object value, string path)
    {
        switch (value)
        {
            case byte[] bytes:
                return bytes;
            case string s:
                try
                {
                    // proto3 JSON writes bytes as base64; URL-safe base64 is accepted too.
                    var padded = s.Replace('-', '+').Replace('_', '/');
                    padded += new string('=', (4 - padded.Length % 4) % 4);
                    return Convert.FromBase64String(padded);
                }
                catch (FormatException)
                {
                    throw new ProtoValueException(path, "a bytes field takes a byte[] or a base64 string; this string is not base64.");
                }
            default:
                throw Mismatch(value, path, "bytes", "a byte[] or a base64 string");
        }
    }

    public static int ToEnum(object value, EnumDescriptor type, string path)
    {
        if (value is string name)
        {
            var match = type.FindValueByName(name)
                ?? type.Values.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase));
            if (match is not null) return match.Number;
            if (int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out var numeric)) return numeric;
            throw new ProtoValueException(path, $"'{name}' is not a value of enum {type.FullName}. Its values: {string.Join(", ", type.Values.Select(v => v.Name))}.");
        }
        if (value is Enum) value = Convert.ToInt64(value, CultureInfo.InvariantCulture);
        // proto3 enums are open: a number the descriptor does not name is still sent.
        return (int)ToInt64(value, path, $"enum {type.FullName}", int.MinValue, int.MaxValue);
    }

    public static ProtoValueException Mismatch(object value, string path, string fieldType, string expected) =>
        new(path, $"a {fieldType} field takes {expected}, not {Describe(value)}.");

    public static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"the string '{(s.Length > 40 ? s[..40] + "..." : s)}'",
        System.Collections.IDictionary => "a hashtable or object",
        System.Collections.IEnumerable => "a list",
        _ => $"{value} ({value.GetType().Name})",
    };

    private static BigInteger ToInteger(object value, string path, string type)
    {
        switch (value)
        {
            case sbyte or byte or short or ushort or int or uint or long:
                return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            case ulong u:
                return u;
            case BigInteger b:
                return b;
            case Enum e:
                return Convert.ToInt64(e, CultureInfo.InvariantCulture);
            case decimal m:
                if (decimal.Truncate(m) != m) throw new ProtoValueException(path, $"{value} is not a whole number, which {type} needs.");
                return new BigInteger(m);
            case double or float:
                var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!double.IsFinite(d) || Math.Truncate(d) != d) throw new ProtoValueException(path, $"{value} is not a whole number, which {type} needs.");
                return new BigInteger(d);
            case string s:
                if (BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)) return parsed;
                if (decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var dec) && decimal.Truncate(dec) == dec) return new BigInteger(dec);
                throw Mismatch(value, path, type, "a whole number");
            default:
                throw Mismatch(value, path, type, "a whole number");
        }
    }
}
