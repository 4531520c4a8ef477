using System.Collections;
using System.Globalization;
using System.Text;
using System.Xml;

namespace PSNetTools.Engine.XmlRpc;

/// <summary>
/// XML-RPC values both ways. .NET side: int/long (i4, i8), bool, string, double, DateTime (dateTime.iso8601), byte[]
/// (base64), IDictionary with string keys (struct, read back as an ordered dictionary), IEnumerable (array, read back
/// as object?[]), null (nil). Documents are read with DTDs prohibited and no resolver, so no entity expansion or XXE.
/// </summary>
public static class XmlRpcCodec
{
    public const int ParseError = -32700;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int ServerError = -32603;

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersInDocument = 64L * 1024 * 1024,
    };

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
    public static (string Method, object?[] Parameters) ReadCall(Stream stream)
    {
        var doc = Load(stream);
        var root = doc.DocumentElement;
        if (root?.Name != "methodCall") throw new FormatException("the document is not a methodCall.");
        var name = root["methodName"]?.InnerText.Trim();
        if (string.IsNullOrEmpty(name)) throw new FormatException("the methodCall has no methodName.");
        return (name, ReadParams(root));
    }

    /// <summary>Reads a methodResponse; a fault becomes <see cref="XmlRpcFaultException"/>.</summary>
    public static object? ReadResponse(Stream stream)
    {
        var doc = Load(stream);
        var root = doc.DocumentElement;
        if (root?.Name != "methodResponse") throw new FormatException("the answer is not an XML-RPC methodResponse.");
        if (root["fault"]?["value"] is { } fault)
        {
            var f = ReadValue(fault, 0) as IDictionary;
            var code = f?["faultCode"] is { } c ? Convert.ToInt32(c, CultureInfo.InvariantCulture) : 0;
            throw new XmlRpcFaultException(code, f?["faultString"]?.ToString() ?? "");
        }
        var values = ReadParams(root);
        return values.Length == 0 ? null : values[0];
    }

    private static XmlDocument Load(Stream stream)
    {
        var doc = new XmlDocument { XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(stream, ReaderSettings);
            doc.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new FormatException($"malformed XML: {ex.Message}", ex);
        }
        return doc;
    }

    private static object?[] ReadParams(XmlElement root) =>
        root["params"] is { } ps ? [.. ps.ChildNodes.OfType<XmlElement>().Where(p => p.Name == "param").Select(p => ReadValue(p["value"] ?? throw new FormatException("a param has no value."), 0))] : [];

    private static object? ReadValue(XmlElement value, int depth)
    {
        if (depth > 64) throw new FormatException("values nested more than 64 deep.");
        var typed = value.ChildNodes.OfType<XmlElement>().FirstOrDefault();
        if (typed is null) return value.InnerText; // <value>text</value> is a string
        var text = typed.InnerText;
        try
        {
            return typed.Name switch
            {
                "i4" or "int" => int.Parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture),
                "i8" => long.Parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture),
                "boolean" => text.Trim() switch { "1" => true, "0" => false, _ => throw new FormatException($"'{text}' is not an XML-RPC boolean (0 or 1).") },
                "string" => text,
                "double" => double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture),
                "dateTime.iso8601" => ParseDate(text.Trim()),
                "base64" => Convert.FromBase64String(text.Trim()),
                "nil" => null,
                "struct" => typed.ChildNodes.OfType<XmlElement>().Where(m => m.Name == "member").Aggregate(
                    new System.Collections.Specialized.OrderedDictionary(StringComparer.Ordinal), (d, m) =>
                    {
                        d[m["name"]?.InnerText ?? ""] = m["value"] is { } v ? ReadValue(v, depth + 1) : null;
                        return d;
                    }),
                "array" => typed["data"] is { } data ? data.ChildNodes.OfType<XmlElement>().Where(v => v.Name == "value").Select(v => ReadValue(v, depth + 1)).ToArray() : Array.Empty<object?>(),
                _ => throw new FormatException($"'{typed.Name}' is not an XML-RPC type."),
            };
        }
        catch (OverflowException ex)
        {
            throw new FormatException($"'{text}' is out of range for {typed.Name}.", ex);
        }
    }

    private static DateTime ParseDate(string text)
    {
        string[] formats = ["yyyyMMdd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyyMMdd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyyMMdd'T'HHmmss"];
        if (DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        throw new FormatException($"'{text}' is not an XML-RPC dateTime.iso8601.");
    }

    private static byte[] Write(Action<XmlWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
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
        if (depth > 64) throw new ArgumentException("values nested more than 64 deep (a cycle?) cannot be sent.");
        w.WriteStartElement("value");
        switch (value)
        {
            case null:
                w.WriteElementString("nil", "");
                break;
            case string s:
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
            case uint or long or ulong:
                var l = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                w.WriteElementString(l is >= int.MinValue and <= int.MaxValue ? "i4" : "i8", l.ToString(CultureInfo.InvariantCulture));
                break;
            case float or double or decimal:
                w.WriteElementString("double", Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                break;
            case DateTime d:
                w.WriteElementString("dateTime.iso8601", d.ToString("yyyyMMdd'T'HH:mm:ss", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset o:
                w.WriteElementString("dateTime.iso8601", o.DateTime.ToString("yyyyMMdd'T'HH:mm:ss", CultureInfo.InvariantCulture));
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
}
