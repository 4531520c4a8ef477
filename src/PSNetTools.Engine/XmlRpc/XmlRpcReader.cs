using System.Collections;
using System.Collections.Specialized;
using System.Globalization;
using System.Text;
using System.Xml;

namespace PSNetTools.XmlRpc;

/// <summary>
/// Reads one untrusted methodCall or methodResponse forward-only with an <see cref="XmlReader"/>: no DTD, no resolver,
/// a byte cap, and the value depth checked as each &lt;value&gt; opens. Only the elements XML-RPC allows are accepted
/// where they are allowed, so the XML can never nest deeper than the checked value depth allows, and the recursion
/// here (one frame per value level) is bounded by that same check. Text-only elements (methodName, string, name,
/// scalars) holding an element are refused at that element, whatever is nested under it.
/// </summary>
internal sealed class XmlRpcReader : IDisposable
{
    private readonly XmlReader _xml;
    private readonly XmlRpcReadLimits _limits;
    private readonly string _document;

    private XmlRpcReader(Stream stream, XmlRpcReadLimits limits, string document)
    {
        _limits = limits;
        _document = document;
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            MaxCharactersInDocument = limits.MaxBytes,
        };
        _xml = XmlReader.Create(new CappedStream(stream, limits.MaxBytes, document), settings);
    }

    public void Dispose() => _xml.Dispose();

    /// <summary>Reads a methodCall: the method name and its parameters.</summary>
    public static (string Method, object?[] Parameters) ReadCall(Stream stream, XmlRpcReadLimits limits) =>
        Guard(stream, limits, "request", r =>
        {
            r.ExpectRoot("methodCall");
            string? method = null;
            object?[] parameters = [];
            r.ForEachChild("methodCall", name =>
            {
                switch (name)
                {
                    case "methodName":
                        method = r.ReadText(name).Trim();
                        break;
                    case "params":
                        parameters = r.ReadParams();
                        break;
                    default:
                        throw r.Unexpected("methodCall", name);
                }
            });
            r.ReadToEnd();
            if (string.IsNullOrEmpty(method)) throw new FormatException("the methodCall has no methodName.");
            return (method, parameters);
        });

    /// <summary>Reads a methodResponse: its value, or the fault's code and text.</summary>
    public static (object? Value, IDictionary? Fault) ReadResponse(Stream stream, XmlRpcReadLimits limits) =>
        Guard(stream, limits, "answer", r =>
        {
            r.ExpectRoot("methodResponse");
            object?[] values = [];
            IDictionary? fault = null;
            r.ForEachChild("methodResponse", name =>
            {
                switch (name)
                {
                    case "params":
                        values = r.ReadParams();
                        break;
                    case "fault":
                        r.ForEachChild("fault", child =>
                        {
                            if (child != "value") throw r.Unexpected("fault", child);
                            fault = r.ReadValue(0) as IDictionary ?? throw new FormatException("the fault's value is not a struct.");
                        });
                        if (fault is null) throw new FormatException("the fault has no value.");
                        break;
                    default:
                        throw r.Unexpected("methodResponse", name);
                }
            });
            r.ReadToEnd();
            return (values.Length == 0 ? null : values[0], fault);
        });

    private static T Guard<T>(Stream stream, XmlRpcReadLimits limits, string document, Func<XmlRpcReader, T> read)
    {
        try
        {
            using var reader = new XmlRpcReader(stream, limits, document);
            return read(reader);
        }
        catch (XmlException ex)
        {
            throw new FormatException($"malformed XML: {ex.Message}", ex);
        }
        catch (OverflowException ex)
        {
            throw new FormatException($"a number in the {document} is out of range: {ex.Message}", ex);
        }
    }

    private void ExpectRoot(string name)
    {
        if (_xml.MoveToContent() != XmlNodeType.Element || _xml.Name != name)
        {
            throw new FormatException(name == "methodCall" ? "the document is not a methodCall." : "the answer is not an XML-RPC methodResponse.");
        }
    }

    /// <summary>Past the root: only comments, whitespace or the end may follow (the reader refuses a second root).</summary>
    private void ReadToEnd()
    {
        while (_xml.Read())
        {
            if (_xml.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Element) throw new FormatException("content after the document's root element.");
        }
    }

    /// <summary>
    /// Calls <paramref name="child"/> for each child element of the element the reader is on; the callback consumes
    /// the child (its end tag included). Text other than whitespace between the children is refused.
    /// </summary>
    private void ForEachChild(string parent, Action<string> child)
    {
        if (_xml.IsEmptyElement) return;
        while (_xml.Read())
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.Element:
                    child(_xml.Name);
                    break;
                case XmlNodeType.EndElement:
                    return;
                case XmlNodeType.Text or XmlNodeType.CDATA:
                    throw new FormatException($"<{parent}> holds text; XML-RPC allows only elements there.");
            }
        }
    }

    /// <summary>The text of a text-only element, whitespace kept; an element inside it is refused at once.</summary>
    private string ReadText(string element)
    {
        if (_xml.IsEmptyElement) return "";
        var text = new StringBuilder();
        while (_xml.Read())
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    text.Append(_xml.Value);
                    break;
                case XmlNodeType.Element:
                    throw new FormatException($"<{element}> holds an element <{_xml.Name}>; it may hold text only.");
                case XmlNodeType.EndElement:
                    return text.ToString();
            }
        }
        throw new FormatException($"<{element}> is not closed.");
    }

    private object?[] ReadParams()
    {
        var values = new List<object?>();
        ForEachChild("params", name =>
        {
            if (name != "param") throw Unexpected("params", name);
            var found = false;
            ForEachChild("param", inner =>
            {
                if (inner != "value" || found) throw Unexpected("param", inner);
                values.Add(ReadValue(0));
                found = true;
            });
            if (!found) throw new FormatException("a param has no value.");
        });
        return [.. values];
    }

    /// <summary>A &lt;value&gt;: its one typed element, or its text as a string (whitespace kept).</summary>
    private object? ReadValue(int depth)
    {
        if (depth >= _limits.MaxDepth) throw new XmlRpcLimitException(nameof(XmlRpcReadLimits.MaxDepth), $"the {_document} nests values deeper than {_limits.MaxDepth} levels.");
        if (_xml.IsEmptyElement) return "";
        var text = new StringBuilder();
        var typed = false;
        object? value = null;
        while (_xml.Read())
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    text.Append(_xml.Value);
                    break;
                case XmlNodeType.Element:
                    if (typed) throw new FormatException($"a <value> holds two values (<{_xml.Name}> after another).");
                    value = ReadTyped(_xml.Name, depth);
                    typed = true;
                    break;
                case XmlNodeType.EndElement:
                    if (!typed) return text.ToString();
                    if (!string.IsNullOrWhiteSpace(text.ToString())) throw new FormatException("a <value> holds both text and a typed value.");
                    return value;
            }
        }
        throw new FormatException("a <value> is not closed.");
    }

    private object? ReadTyped(string type, int depth)
    {
        switch (type)
        {
            case "struct":
                return ReadStruct(depth);
            case "array":
                return ReadArray(depth);
            case "nil":
                if (ReadText(type).Trim().Length > 0) throw new FormatException("<nil/> holds text.");
                return null;
            case "string":
                return ReadText(type);
        }
        var text = ReadText(type);
        return type switch
        {
            "i4" or "int" => int.Parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture),
            "i8" => long.Parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture),
            "boolean" => text.Trim() switch { "1" => true, "0" => false, _ => throw new FormatException($"'{text}' is not an XML-RPC boolean (0 or 1).") },
            "double" => double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture),
            "dateTime.iso8601" => ParseDate(text.Trim()),
            "base64" => Convert.FromBase64String(text.Trim()),
            _ => throw new FormatException($"'{type}' is not an XML-RPC type."),
        };
    }

    private OrderedDictionary ReadStruct(int depth)
    {
        var map = new OrderedDictionary(StringComparer.Ordinal);
        ForEachChild("struct", member =>
        {
            if (member != "member") throw Unexpected("struct", member);
            string? name = null;
            object? value = null;
            ForEachChild("member", part =>
            {
                switch (part)
                {
                    case "name" when name is null:
                        name = ReadText(part);
                        break;
                    case "value":
                        value = ReadValue(depth + 1);
                        break;
                    default:
                        throw Unexpected("member", part);
                }
            });
            // A member named '' is a member like any other (Python sends {"": 1} that way).
            map[name ?? ""] = value;
        });
        return map;
    }

    private object?[] ReadArray(int depth)
    {
        var items = new List<object?>();
        ForEachChild("array", data =>
        {
            if (data != "data") throw Unexpected("array", data);
            ForEachChild("data", value =>
            {
                if (value != "value") throw Unexpected("data", value);
                items.Add(ReadValue(depth + 1));
            });
        });
        return [.. items];
    }

    // Without an offset (the spec's form) a DateTime as written; with one (Z, +02:00) a DateTimeOffset with that offset,
    // as the writer sends it, instead of a conversion to this machine's time zone. Fractions of a second are kept.
    private static object ParseDate(string text)
    {
        string[] plain = ["yyyyMMdd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyyMMdd'T'HHmmss.FFFFFFF"];
        if (DateTime.TryParseExact(text, plain, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        string[] offset = ["yyyyMMdd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyyMMdd'T'HHmmss.FFFFFFFK"];
        if (DateTimeOffset.TryParseExact(text, offset, CultureInfo.InvariantCulture, DateTimeStyles.None, out var o)) return o;
        throw new FormatException($"'{text}' is not an XML-RPC dateTime.iso8601.");
    }

    private FormatException Unexpected(string parent, string child) =>
        new($"<{parent}> holds <{child}>, which XML-RPC does not allow there (in the {_document}).");

    /// <summary>Refuses the document at the first byte past the cap, whatever the encoding or declared length.</summary>
    private sealed class CappedStream(Stream inner, long cap, string document) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            _read += n;
            if (_read > cap) throw new XmlRpcLimitException(nameof(XmlRpcReadLimits.MaxBytes), $"the {document} is larger than {cap:N0} bytes.");
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
