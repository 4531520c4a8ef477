using System.Globalization;
using System.Text;

namespace PSNetTools.Grpc.ProtoFiles;

/// <summary>Names and default-value text exactly as protoc derives them, since descriptors are compared with protoc's.</summary>
internal static class ProtoNames
{
    public const int MaxFieldNumber = 536_870_911;

    /// <summary>protoc's ToJsonName: underscores dropped, the letter after one upper-cased.</summary>
    public static string ToJsonName(string name)
    {
        var result = new StringBuilder(name.Length);
        var capitalizeNext = false;
        foreach (var c in name)
        {
            if (c == '_') capitalizeNext = true;
            else if (capitalizeNext)
            {
                result.Append(char.ToUpperInvariant(c));
                capitalizeNext = false;
            }
            else result.Append(c);
        }
        return result.ToString();
    }

    /// <summary>protoc's MapEntryName: UpperCamelCase of the field name plus "Entry".</summary>
    public static string MapEntryName(string fieldName)
    {
        var result = new StringBuilder(fieldName.Length + 5);
        var capitalizeNext = true;
        foreach (var c in fieldName)
        {
            if (c == '_') capitalizeNext = true;
            else if (capitalizeNext)
            {
                result.Append(char.IsAsciiLetterLower(c) ? char.ToUpperInvariant(c) : c);
                capitalizeNext = false;
            }
            else result.Append(c);
        }
        return result.Append("Entry").ToString();
    }

    /// <summary>protoc's SimpleDtoa: the shortest of %.15g and %.17g that round-trips.</summary>
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var text = value.ToString("G15", CultureInfo.InvariantCulture);
        if (double.Parse(text, CultureInfo.InvariantCulture) != value) text = value.ToString("G17", CultureInfo.InvariantCulture);
        return text.Replace('E', 'e');
    }

    /// <summary>protoc's SimpleFtoa: the shortest of %.6g and %.9g that round-trips as a float.</summary>
    public static string FormatFloat(float value)
    {
        if (float.IsNaN(value)) return "nan";
        if (float.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var text = value.ToString("G6", CultureInfo.InvariantCulture);
        if (float.Parse(text, CultureInfo.InvariantCulture) != value) text = value.ToString("G9", CultureInfo.InvariantCulture);
        return text.Replace('E', 'e');
    }

    /// <summary>protoc's CEscape, with which bytes defaults are written.</summary>
    public static string CEscape(ReadOnlySpan<byte> bytes)
    {
        var result = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            switch (b)
            {
                case (byte)'\n': result.Append("\\n"); break;
                case (byte)'\r': result.Append("\\r"); break;
                case (byte)'\t': result.Append("\\t"); break;
                case (byte)'"': result.Append("\\\""); break;
                case (byte)'\'': result.Append("\\'"); break;
                case (byte)'\\': result.Append("\\\\"); break;
                default:
                    if (b < 0x20 || b >= 0x7f) result.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
                    else result.Append((char)b);
                    break;
            }
        }
        return result.ToString();
    }
}
