using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;

namespace PSNetTools.Resilience;

/// <summary>Decides which failures are worth another try: the network being momentarily unwell, not the request being wrong.</summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            SocketException s => IsTransient(s.SocketErrorCode),
            TimeoutException => true,
            AuthenticationException => false,
            HttpRequestException { StatusCode: { } code } => IsTransient(code),
            HttpRequestException h => h.InnerException is null || IsTransient(h.InnerException),
            IOException { InnerException: { } inner } => IsTransient(inner),
            // An IOException without a cause is a connection dropped mid-stream.
            IOException => true,
            AggregateException a => a.InnerExceptions.All(IsTransient),
            _ => false,
        };
    }

    public static bool IsTransient(SocketError error) => error is
        SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.ConnectionAborted or
        SocketError.TimedOut or SocketError.TryAgain or SocketError.NetworkUnreachable or SocketError.HostUnreachable or
        SocketError.NetworkDown or SocketError.NetworkReset or SocketError.Shutdown or SocketError.NoBufferSpaceAvailable;

    /// <summary>5xx (except 501 Not Implemented and 505) and 429 Too Many Requests are retried; other statuses are answers.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests || status == HttpStatusCode.RequestTimeout ||
        ((int)status >= 500 && status != HttpStatusCode.NotImplemented && status != HttpStatusCode.HttpVersionNotSupported);
}
