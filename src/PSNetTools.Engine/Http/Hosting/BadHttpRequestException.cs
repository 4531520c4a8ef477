namespace PSNetTools.Http.Hosting;

/// <summary>
/// A request broke the protocol or a limit: the connection loop answers <see cref="StatusCode"/> with the message
/// (when no response has started yet) and closes the connection. Not an IOException on purpose, so handlers that
/// catch client disconnects do not swallow it.
/// </summary>
public sealed class BadHttpRequestException : Exception
{
    public BadHttpRequestException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public BadHttpRequestException()
    {
    }

    public BadHttpRequestException(string message)
        : base(message)
    {
    }

    public BadHttpRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>400, 408, 413, 414, 431, 501 or 505.</summary>
    public int StatusCode { get; } = 400;
}
