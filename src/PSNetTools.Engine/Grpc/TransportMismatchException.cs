using System.Net;

namespace PSNetTools.Grpc;

/// <summary>The server at the endpoint speaks TLS where the client spoke plaintext, or the other way round.</summary>
public sealed class TransportMismatchException : IOException
{
    public TransportMismatchException(DnsEndPoint endpoint, bool serverSpeaksTls, string evidence, Exception? inner = null)
        : base(serverSpeaksTls
            ? $"The server at {endpoint.Host}:{endpoint.Port} speaks TLS, and this connection was plaintext HTTP/2 (h2c): {evidence}."
            : $"The server at {endpoint.Host}:{endpoint.Port} does not speak TLS: {evidence}.", inner)
    {
        ServerSpeaksTls = serverSpeaksTls;
    }

    public TransportMismatchException()
    {
    }

    public TransportMismatchException(string message)
        : base(message)
    {
    }

    public TransportMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public bool ServerSpeaksTls { get; }
}
