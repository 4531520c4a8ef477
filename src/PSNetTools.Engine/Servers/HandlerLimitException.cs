namespace PSNetTools.Servers;

/// <summary>
/// A request handler's answer broke one of the server's limits (response size or depth, handler timeout): unlike any
/// other handler failure, its message names that limit and is safe to send to the client in the 500/503 answer or
/// the XML-RPC fault, because it says nothing about the handler's internals.
/// </summary>
public sealed class HandlerLimitException : Exception
{
    public HandlerLimitException(string message)
        : base(message)
    {
    }

    public HandlerLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HandlerLimitException()
    {
    }
}
