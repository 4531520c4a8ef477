using System.Text.RegularExpressions;

namespace PSNetTools.Net;

/// <summary>
/// Words for an exception that a user can read: .NET wraps the real reason in generic layers ("Authentication
/// failed, see inner exception."), appends "(Parameter 'name')" and prefixes type names. This finds the reason and
/// drops the rest, so no message that reaches a user carries a type name, a parameter suffix or a stack trace.
/// </summary>
public static partial class FailureText
{
    // Layers that say nothing of their own: the reason is further in.
    private static readonly string[] Wrappers =
    [
        "see inner exception", "SSL Handshake failed with OpenSSL error", "Error starting gRPC call",
        "An error occurred while sending the request", "One or more errors occurred", "The SSL connection could not be established",
        "Exception of type",
    ];

    // What SslStream and OpenSSL say when the peer's bytes are not TLS at all, in words that name the situation.
    private static readonly (string Says, string Means)[] Known =
    [
        ("Cannot determine the frame size or a corrupted frame was received", "the peer's answer is not TLS (is it a plain-text port?)"),
        ("wrong version number", "the peer's answer is not TLS (is it a plain-text port?)"),
        ("packet length too long", "the peer's answer is not TLS (is it a plain-text port?)"),
        ("record layer failure", "the peer's answer is not TLS (is it a plain-text port?)"),
        ("http request", "the peer speaks HTTP without TLS"),
        ("Received an unexpected EOF or 0 bytes from the transport stream", "the peer closed the connection during the TLS handshake (is it a plain-text port?)"),
        ("unexpected eof while reading", "the peer closed the connection during the TLS handshake (is it a plain-text port?)"),
        // The server's alerts about the client's certificate (mutual TLS); before the catch-all below, which would call them "not TLS".
        ("alert certificate required", "the server requires a client certificate (mutual TLS) and none was sent"),
        ("alert unknown ca", "the server does not trust the client certificate's issuer"),
        ("alert bad certificate", "the server rejected the client certificate"),
        ("alert certificate unknown", "the server rejected the client certificate"),
        ("SSL routines", "the peer's answer is not TLS (is it a plain-text port?)"),
        ("The remote certificate was rejected by the provided RemoteCertificateValidationCallback", "the server's certificate is not trusted"),
        ("The remote certificate is invalid because of errors in the certificate chain", "the server's certificate is not trusted"),
        ("RemoteCertificateNameMismatch", "the server's certificate is for another name"),
        ("The remote certificate is invalid", "the server's certificate is not trusted"),
        ("The response ended prematurely", "the server closed the connection before a complete answer"),
        ("received an invalid HTTP/2 frame", "the peer does not speak HTTP/2"),
        ("The HTTP/2 server sent invalid data on the connection", "the peer does not speak HTTP/2"),
    ];

    /// <summary>The reason behind <paramref name="exception"/>, without wrappers, type names or parameter suffixes.</summary>
    public static string Of(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var current = exception;
        while (current.InnerException is { } inner && (IsWrapper(current.Message) || current is AggregateException))
        {
            current = inner;
        }
        foreach (var (says, means) in Known)
        {
            for (var e = current; e is not null; e = e.InnerException)
            {
                if (e.Message.Contains(says, StringComparison.OrdinalIgnoreCase)) return means;
            }
        }
        return Clean(current.Message);
    }

    /// <summary>Applies the wording rules to a finished message: a safety net for text built from exceptions.</summary>
    public static string Clean(string? message)
    {
        if (string.IsNullOrWhiteSpace(message)) return "the operation failed";
        var text = message;
        var trace = text.IndexOf("\n   at ", StringComparison.Ordinal);
        if (trace >= 0) text = text[..trace];
        text = ParameterSuffix().Replace(text, "");
        text = TypeName().Replace(text, "");
        foreach (var wrapper in Wrappers)
        {
            text = text.Replace($"{wrapper}.", "", StringComparison.OrdinalIgnoreCase).Replace($"({wrapper})", "", StringComparison.OrdinalIgnoreCase);
        }
        text = Spaces().Replace(text, " ").Trim();
        return text.Replace(" ()", "", StringComparison.Ordinal).Replace("( ", "(", StringComparison.Ordinal).Trim();
    }

    private static bool IsWrapper(string message) =>
        string.IsNullOrWhiteSpace(message) || Wrappers.Any(w => message.Contains(w, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)(\s*Actual value was [^.]*\.)?")]
    private static partial Regex ParameterSuffix();

    // "HttpRequestException: ", "System.Net.Sockets.SocketException (111): ", "Interop+OpenSsl+SslException: ".
    [GeneratedRegex(@"\b(?:[A-Za-z_][\w]*[.+])*[A-Za-z_]\w*Exception(?:\s*\(\d+\))?:?\s*")]
    private static partial Regex TypeName();

    [GeneratedRegex(@"[ \t\r\n]+")]
    private static partial Regex Spaces();
}
