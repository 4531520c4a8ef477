using System.Collections;
using System.Globalization;
using System.Text;
using System.Xml;

namespace PSNetTools.XmlRpc;

/// <summary>
/// XML-RPC values both ways. .NET side: int/long (i4, i8), bool, string, double, DateTime (dateTime.iso8601), byte[]
/// (base64), IDictionary with string keys (struct, read back as an ordered dictionary), IEnumerable (array, read back
/// as object?[]), null (nil). Documents are read forward-only by <see cref="XmlRpcReader"/> with DTDs prohibited and no
/// resolver (no entity expansion or XXE) and with depth and size checked while reading. Carriage returns are written
/// as &amp;#xD; so that they survive the reader's line-end normalization, as whitespace-only strings survive too.
/// </summary>
public static partial class XmlRpcCodec
{
    public const int ParseError = -32700;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int ServerError = -32603;

    public static byte[] Call(string method, IReadOnlyList<object?> parameters) =>
        Write(w =>
        {
            w.WriteStartElement("methodCall");
            w.WriteElementString("methodName", method);
            WriteParams(w, parameters);
            w.WriteEndElement();
        });

    public static byte[] Response(object? value) =>
        Write(w =>
        {
            w.WriteStartElement("methodResponse");
            WriteParams(w, [value]);
            w.WriteEndElement();
        });

    public static byte[] Fault(int code, string text) =>
        Write(w =>
        {
            w.WriteStartElement("methodResponse");
            w.WriteStartElement("fault");
            WriteValue(w, new Dictionary<string, object?> { ["faultCode"] = code, ["faultString"] = text }, 0);
            w.WriteEndElement();
            w.WriteEndElement();
        });

    /// <summary>Reads a methodCall: the method name and its parameters. Throws FormatException for anything malformed.</summary>
    public static (string Method, object?[] Parameters) ReadCall(Stream stream) => ReadCall(stream, XmlRpcReadLimits.Default);

    /// <summary>
    /// Reads a methodCall within <paramref name="limits"/>; a document that breaks one throws
    /// <see cref="XmlRpcLimitException"/> (a FormatException) naming it.
    /// </summary>
    public static (string Method, object?[] Parameters) ReadCall(Stream stream, XmlRpcReadLimits limits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(limits);
        return XmlRpcReader.ReadCall(stream, limits);
    }

    /// <summary>Reads a methodResponse; a fault becomes <see cref="XmlRpcFaultException"/>.</summary>
    public static object? ReadResponse(Stream stream) => ReadResponse(stream, XmlRpcReadLimits.Default);

    /// <summary>Reads a methodResponse within <paramref name="limits"/>; a fault becomes <see cref="XmlRpcFaultException"/>.</summary>
    public static object? ReadResponse(Stream stream, XmlRpcReadLimits limits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(limits);
        var (value, fault) = XmlRpcReader.ReadResponse(stream, limits);
        if (fault is null) return value;
        throw new XmlRpcFaultException(FaultCode(fault["faultCode"]), fault["faultString"]?.ToString() ?? "");
    }

    private static int FaultCode(object? code) => code switch
    {
        null => 0,
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        string s when int.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new FormatException($"the fault's faultCode '{code}' is not an XML-RPC int."),
    };

    private static byte[] Write(Action<XmlWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false, NewLineHandling = NewLineHandling.Entitize }))
        {
            w.WriteStartDocument();
            body(w);
            w.WriteEndDocument();
        }
        return stream.ToArray();
    }

    private static void WriteParams(XmlWriter w, IReadOnlyList<object?> parameters)
    {
        w.WriteStartElement("params");
        foreach (var p in parameters)
        {
            w.WriteStartElement("param");
            WriteValue(w, p, 0);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    public static void WriteValue(XmlWriter w, object? value, int depth)
    {
        ArgumentNullException.ThrowIfNull(w);
        // The same limit the reader applies: what this side writes, its own reader (and Python's) can read back.
        if (depth >= XmlRpcReadLimits.DefaultMaxDepth) throw new ArgumentException($"values nested more than {XmlRpcReadLimits.DefaultMaxDepth} deep (a cycle?) cannot be sent.");
        w.WriteStartElement("value");
        switch (value)
        {
            case null:
                w.WriteElementString("nil", "");
                break;
            case string s:
                if (XmlCharacters().IsMatch(s)) throw new ArgumentException("it holds a character XML cannot carry (such as NUL).");
                w.WriteElementString("string", s);
                break;
            case char c:
                w.WriteElementString("string", c.ToString());
                break;
            case bool b:
                w.WriteElementString("boolean", b ? "1" : "0");
                break;
            case byte or sbyte or short or ushort or int:
                w.WriteElementString("i4", Convert.ToInt32(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case ulong u when u > long.MaxValue:
                throw new ArgumentException($"{u} is beyond the largest XML-RPC integer (i8, {long.MaxValue}); send it as a string or a double.");
            case uint or long or ulong:
                var l = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                w.WriteElementString(l is >= int.MinValue and <= int.MaxValue ? "i4" : "i8", l.ToString(CultureInfo.InvariantCulture));
                break;
            case float or double or decimal:
                var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                // The spec's double is a decimal number: Infinity and NaN have no XML-RPC form (Python writes "inf",
                // which other servers refuse), so they are refused here rather than sent as something peers misread.
                if (!double.IsFinite(number)) throw new ArgumentException($"{number.ToString(CultureInfo.InvariantCulture)} has no XML-RPC form (a double is a finite number); send it as a string.");
                w.WriteElementString("double", number.ToString("R", CultureInfo.InvariantCulture));
                break;
            case DateTime d:
                w.WriteElementString("dateTime.iso8601", d.ToString("yyyyMMdd'T'HH:mm:ss", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset o:
                // With its offset, so what this side sends, its reader gives back as the same DateTimeOffset.
                w.WriteElementString("dateTime.iso8601", o.ToString("yyyyMMdd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
                break;
            case byte[] bytes:
                w.WriteElementString("base64", Convert.ToBase64String(bytes));
                break;
            case IDictionary map:
                w.WriteStartElement("struct");
                foreach (DictionaryEntry e in map)
                {
                    w.WriteStartElement("member");
                    w.WriteElementString("name", Convert.ToString(e.Key, CultureInfo.InvariantCulture));
                    WriteValue(w, e.Value, depth + 1);
                    w.WriteEndElement();
                }
                w.WriteEndElement();
                break;
            case IEnumerable items:
                w.WriteStartElement("array");
                w.WriteStartElement("data");
                foreach (var item in items) WriteValue(w, item, depth + 1);
                w.WriteEndElement();
                w.WriteEndElement();
                break;
            default:
                w.WriteElementString("string", Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
        w.WriteEndElement();
    }

    // What XML 1.0 cannot carry: controls other than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF.
    [System.Text.RegularExpressions.GeneratedRegex(@"[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]")]
    private static partial System.Text.RegularExpressions.Regex XmlCharacters();
}
