namespace PSNetTools.Http.Hosting;

/// <summary>
/// What every HTTP server of the module (files, routes, XML-RPC, the WebSocket handshake) accepts from a client. The
/// defaults are those of a hardened server: Kestrel's 30 s request-header timeout and 240 bytes/s minimum body rate,
/// nginx's 8 KB request line (414 above it) and 75 s keep-alive. Enforced by the shared connection loop, so no
/// server can forget one.
/// </summary>
public sealed record HttpServerLimits
{
    public const int DefaultMaxConnections = 10_000;

    /// <summary>The request line ("GET /path HTTP/1.1"); a longer one is answered 414.</summary>
    public int MaxRequestLineBytes { get; init; } = 8 * 1024;

    /// <summary>All header lines of one request together; more is answered 431.</summary>
    public int MaxHeaderBytes { get; init; } = 32 * 1024;

    /// <summary>Header lines in one request; more is answered 431.</summary>
    public int MaxHeaderCount { get; init; } = 100;

    /// <summary>From a request's first byte to the end of its headers; a slower client gets 408 and is closed.</summary>
    public TimeSpan HeaderTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an idle keep-alive connection (between requests) stays open.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(75);

    /// <summary>A request body larger than this (announced or counted as chunks arrive) is answered 413.</summary>
    public long MaxBodyBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>The longest wait for the next bytes of a request body; then 408 and the connection is closed.</summary>
    public TimeSpan BodyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After a 5 s grace, a body arriving slower than this on average is refused with 408 (slow-POST attacks).</summary>
    public double MinBodyBytesPerSecond { get; init; } = 240;

    /// <summary>The longest wait for a client to take the next bytes of a response; then the connection is dropped.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Open connections at once; a connection over the cap is answered 503 and closed at once.</summary>
    public int MaxConnections { get; init; } = DefaultMaxConnections;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first limit that is not usable.</summary>
    public void Validate()
    {
        if (MaxRequestLineBytes < 64) throw new ArgumentException("MaxRequestLineBytes must be at least 64.");
        if (MaxHeaderBytes < 256) throw new ArgumentException("MaxHeaderBytes must be at least 256.");
        if (MaxHeaderCount < 1) throw new ArgumentException("MaxHeaderCount must be at least 1.");
        if (MaxBodyBytes < 0) throw new ArgumentException("MaxBodyBytes must not be negative.");
        if (MaxConnections < 1) throw new ArgumentException("MaxConnections must be at least 1.");
        if (HeaderTimeout <= TimeSpan.Zero || KeepAliveTimeout <= TimeSpan.Zero || BodyTimeout <= TimeSpan.Zero || WriteTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Timeouts must be greater than 0.");
        }
        if (MinBodyBytesPerSecond < 0) throw new ArgumentException("MinBodyBytesPerSecond must not be negative.");
    }
}
