using System.Security.Authentication;

namespace PSNetTools.Transport;

/// <summary>The TLS handshake got no answer: typically a plain-text port that waits for the client to speak first. An AuthenticationException, so it is not retried.</summary>
public sealed class TlsHandshakeTimeoutException : AuthenticationException
{
    public TlsHandshakeTimeoutException()
    {
    }

    public TlsHandshakeTimeoutException(string message)
        : base(message)
    {
    }

    public TlsHandshakeTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
