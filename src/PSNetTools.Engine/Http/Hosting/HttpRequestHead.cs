using System.Collections.Specialized;

namespace PSNetTools.Http.Hosting;

/// <summary>A parsed request line and header block.</summary>
internal sealed record HttpRequestHead(string Method, string Target, Version Version, NameValueCollection Headers)
{
    /// <summary>-1 when the request announced no length.</summary>
    public long ContentLength { get; init; } = -1;

    public bool Chunked { get; init; }

    public bool ExpectContinue { get; init; }

    /// <summary>HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "Connection: keep-alive".</summary>
    public bool KeepAlive { get; init; }

    public bool HasBody => Chunked || ContentLength > 0;
}
