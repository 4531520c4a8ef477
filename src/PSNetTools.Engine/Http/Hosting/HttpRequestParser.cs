using System.Collections.Specialized;
using System.Globalization;
using System.Text;

namespace PSNetTools.Http.Hosting;

/// <summary>
/// Finds and parses a request head in the bytes received so far, enforcing the request-line and header limits while
/// bytes arrive (a 100 MB request line is refused at 8 KB, not read). Strict where leniency lets requests be smuggled:
/// obsolete line folding, whitespace before a colon, Content-Length with Transfer-Encoding, and differing lengths are
/// all 400.
/// </summary>
internal struct HttpRequestParser
{
    private int _scanned;
    private int _lineEnd;

    public readonly bool SawRequestLine => _lineEnd > 0;

    /// <summary>The length of the head (through its blank line) in <paramref name="data"/>, or -1 while it is incomplete.</summary>
    public int FindEnd(ReadOnlySpan<byte> data, HttpServerLimits limits)
    {
        if (_lineEnd <= 0)
        {
            var lf = data.IndexOf((byte)'\n');
            if (lf < 0)
            {
                if (data.Length > limits.MaxRequestLineBytes) throw new BadHttpRequestException(414, $"The request line is longer than {limits.MaxRequestLineBytes:N0} bytes.");
                return -1;
            }
            if (lf > limits.MaxRequestLineBytes) throw new BadHttpRequestException(414, $"The request line is longer than {limits.MaxRequestLineBytes:N0} bytes.");
            _lineEnd = lf + 1;
            _scanned = _lineEnd;
        }
        // A blank line ends the head: "\n\n" or "\n\r\n"; scanning resumes where the last look stopped.
        for (var i = Math.Max(_scanned, _lineEnd); i < data.Length; i++)
        {
            if (data[i] != '\n') continue;
            if (data[i - 1] == '\n' || (data[i - 1] == '\r' && i >= 2 && data[i - 2] == '\n')) return i + 1;
        }
        _scanned = Math.Max(_lineEnd, data.Length - 1);
        if (data.Length - _lineEnd > limits.MaxHeaderBytes) throw new BadHttpRequestException(431, $"The request headers are larger than {limits.MaxHeaderBytes:N0} bytes.");
        return -1;
    }

    public static HttpRequestHead Parse(ReadOnlySpan<byte> head, HttpServerLimits limits)
    {
        var lf = head.IndexOf((byte)'\n');
        var (method, target, version) = ParseRequestLine(TrimCr(head[..lf]));
        if (head.Length - lf - 1 > limits.MaxHeaderBytes) throw new BadHttpRequestException(431, $"The request headers are larger than {limits.MaxHeaderBytes:N0} bytes.");
        var headers = new NameValueCollection(StringComparer.OrdinalIgnoreCase);
        var rest = head[(lf + 1)..];
        var count = 0;
        while (true)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = TrimCr(rest[..end]);
            rest = rest[(end + 1)..];
            if (line.IsEmpty) break;
            if (++count > limits.MaxHeaderCount) throw new BadHttpRequestException(431, $"The request has more than {limits.MaxHeaderCount} header lines.");
            if (line[0] is (byte)' ' or (byte)'\t') throw new BadHttpRequestException(400, "Folded header lines are not accepted.");
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !HttpTokens.IsToken(line[..colon])) throw new BadHttpRequestException(400, "A header line is malformed.");
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (value.IndexOfAnyInRange((byte)0, (byte)8) >= 0 || value.IndexOfAnyInRange((byte)10, (byte)31) >= 0 || value.Contains((byte)127))
            {
                throw new BadHttpRequestException(400, "A header value holds control characters.");
            }
            headers.Add(Encoding.Latin1.GetString(line[..colon]), Encoding.Latin1.GetString(value));
        }
        return Describe(method, target, version, headers);
    }

    private static HttpRequestHead Describe(string method, string target, Version version, NameValueCollection headers)
    {
        long length = -1;
        if (headers.GetValues("Content-Length") is { } lengths)
        {
            foreach (var text in lengths.SelectMany(v => v.Split(',')))
            {
                if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)) throw new BadHttpRequestException(400, "Content-Length is not a number.");
                if (length >= 0 && value != length) throw new BadHttpRequestException(400, "The request gives two different Content-Length values.");
                length = value;
            }
        }
        var chunked = false;
        if (headers["Transfer-Encoding"] is { } encoding)
        {
            if (length >= 0) throw new BadHttpRequestException(400, "A request may not carry both Content-Length and Transfer-Encoding.");
            var codings = encoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (codings.Length != 1 || !codings[0].Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new BadHttpRequestException(501, $"Transfer-Encoding '{encoding}' is not supported; send chunked or a Content-Length.");
            }
            chunked = true;
        }
        var connection = headers["Connection"] ?? "";
        var keepAlive = version.Minor >= 1
            ? !HasToken(connection, "close")
            : HasToken(connection, "keep-alive");
        var expect = headers["Expect"] is { } e && e.Trim().Equals("100-continue", StringComparison.OrdinalIgnoreCase);
        return new HttpRequestHead(method, target, version, headers) { ContentLength = length, Chunked = chunked, KeepAlive = keepAlive, ExpectContinue = expect && version.Minor >= 1 };
    }

    internal static bool HasToken(string list, string token) =>
        list.Split(',').Any(t => t.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));

    private static (string Method, string Target, Version Version) ParseRequestLine(ReadOnlySpan<byte> line)
    {
        var first = line.IndexOf((byte)' ');
        var last = line.LastIndexOf((byte)' ');
        if (first <= 0 || last <= first) throw new BadHttpRequestException(400, "The request line is malformed.");
        var method = line[..first];
        var target = line[(first + 1)..last];
        var version = line[(last + 1)..];
        if (!HttpTokens.IsToken(method)) throw new BadHttpRequestException(400, "The request method is malformed.");
        if (target.IsEmpty || target.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7e) >= 0) throw new BadHttpRequestException(400, "The request target is malformed.");
        if (version.Length != 8 || !version.StartsWith("HTTP/"u8) || version[6] != '.' || !char.IsAsciiDigit((char)version[5]) || !char.IsAsciiDigit((char)version[7]))
        {
            throw new BadHttpRequestException(400, "The request line has no valid HTTP version.");
        }
        if (version[5] != '1') throw new BadHttpRequestException(505, "Only HTTP/1.0 and HTTP/1.1 are served.");
        return (Encoding.ASCII.GetString(method), Encoding.ASCII.GetString(target), new Version(1, version[7] - '0'));
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
}
