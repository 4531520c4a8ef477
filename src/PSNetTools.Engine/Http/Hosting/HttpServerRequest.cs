using System.Collections.Specialized;
using System.Net;
using System.Text;
using System.Web;

namespace PSNetTools.Http.Hosting;

/// <summary>A request as the module's servers see it (the parts of HttpListenerRequest they used, and no more).</summary>
public sealed class HttpServerRequest
{
    private NameValueCollection? _query;

    internal HttpServerRequest(HttpRequestHead head, IPEndPoint remote, Stream body)
    {
        HttpMethod = head.Method;
        RawUrl = head.Target;
        ProtocolVersion = head.Version;
        Headers = head.Headers;
        ContentLength64 = head.ContentLength;
        RemoteEndPoint = remote;
        InputStream = body;
        var target = head.Target;
        // An absolute-form target (a proxy-style request) still names a path on this server.
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var slash = target.IndexOf('/', target.IndexOf("//", StringComparison.Ordinal) + 2);
            target = slash < 0 ? "/" : target[slash..];
        }
        var question = target.IndexOf('?', StringComparison.Ordinal);
        Path = question < 0 ? target : target[..question];
        QueryText = question < 0 ? "" : target[(question + 1)..];
    }

    public string HttpMethod { get; }

    /// <summary>The request target as sent ("/a%20b?x=1").</summary>
    public string RawUrl { get; }

    /// <summary>The path part of the target, still percent-encoded.</summary>
    public string Path { get; }

    public string QueryText { get; }

    /// <summary>Query values decoded as UTF-8 (like HttpListener).</summary>
    public NameValueCollection QueryString => _query ??= HttpUtility.ParseQueryString(QueryText, Encoding.UTF8);

    public Version ProtocolVersion { get; }

    /// <summary>Header values by name, case-insensitive; repeated headers are joined with commas.</summary>
    public NameValueCollection Headers { get; }

    /// <summary>-1 when no Content-Length was sent (chunked or no body).</summary>
    public long ContentLength64 { get; }

    public string? ContentType => Headers["Content-Type"];

    /// <summary>The charset the Content-Type names, or null when it names none (or an unknown one).</summary>
    public Encoding? ContentEncoding
    {
        get
        {
            var type = ContentType;
            var at = type?.IndexOf("charset=", StringComparison.OrdinalIgnoreCase) ?? -1;
            if (at < 0) return null;
            var name = type![(at + 8)..].Split(';')[0].Trim().Trim('"');
            try
            {
                return Encoding.GetEncoding(name);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
    }

    /// <summary>The body, limited to the server's MaxBodyBytes and BodyTimeout (it throws BadHttpRequestException past them).</summary>
    public Stream InputStream { get; }

    public IPEndPoint RemoteEndPoint { get; }

    public bool IsWebSocketRequest =>
        HttpMethod == "GET"
        && Headers["Upgrade"] is { } upgrade && upgrade.Trim().Equals("websocket", StringComparison.OrdinalIgnoreCase)
        && Headers["Connection"] is { } connection && HttpRequestParser.HasToken(connection, "upgrade");
}
