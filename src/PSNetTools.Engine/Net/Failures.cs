using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;

namespace PSNetTools.Net;

/// <summary>
/// The one classifier of what the network throws: socket, TLS, HTTP, WebSocket and timeout exceptions become
/// <see cref="TargetFailure"/>s with the ids of <see cref="ErrorIds"/>, whichever protocol met them. Messages say what
/// happened; the cmdlet layer adds what to do.
/// </summary>
public static class Failures
{
    /// <summary>The failure behind <paramref name="exception"/> at <paramref name="target"/>.</summary>
    /// <param name="timeout">The limit that ran out, named in a timeout's message when known.</param>
    public static TargetFailure From(string target, Exception exception, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        // A failure that knows itself, wrapped by a caller (a limit inside a parse error), is that failure.
        for (var e = exception.InnerException; e is not null && exception is not IHasTargetFailure; e = e.InnerException)
        {
            if (e is IHasTargetFailure { Failure: var known }) return known.Target.Length == 0 ? known with { Target = target } : known;
        }
        // In TLS 1.3 the server refuses a client without a certificate only after the client's side of the handshake is
        // done, so the alert surfaces from the first read (an IOException, an HttpRequestException), not as a TLS failure.
        if (exception is not IHasTargetFailure && RequiresClientCertificate(exception)) return ClientCertificateRequired(target, exception);
        return exception switch
        {
            IHasTargetFailure { Failure: var f } => f.Target.Length == 0 ? f with { Target = target } : f,
            AggregateException { InnerException: { } inner } => From(target, inner, timeout),
            SocketException s => Socket(target, s),
            TimeoutException t when timeout is null && t.Message != new TimeoutException().Message => new(target, ErrorIds.Timeout, FailureKind.Timeout, At(target, FailureText.Of(t)), t),
            TimeoutException or OperationCanceledException => TimedOut(target, timeout, exception),
            AuthenticationException => Tls(target, exception),
            HttpRequestException http => Http(target, http, timeout),
            WebSocketException ws => WebSocket(target, ws, timeout),
            FileNotFoundException or DirectoryNotFoundException =>
                new(target, ErrorIds.FileNotFound, FailureKind.InvalidTarget, FailureText.Of(exception), exception),
            IOException { InnerException: SocketException se } => Socket(target, se, exception),
            IOException { InnerException: AuthenticationException } => Tls(target, exception),
            IOException when Mentions(exception, "frame size", "corrupted frame") => Tls(target, exception),
            IOException => new(target, ErrorIds.NetworkError, FailureKind.ConnectionReset, At(target, $"{FailureText.Of(exception)}"), exception),
            FormatException or InvalidDataException or System.Xml.XmlException =>
                new(target, ErrorIds.ProtocolError, FailureKind.ProtocolError, At(target, $"{FailureText.Of(exception)}"), exception),
            ArgumentException => new(target, ErrorIds.InvalidArgument, FailureKind.InvalidTarget, FailureText.Of(exception), exception),
            UnauthorizedAccessException => new(target, ErrorIds.PermissionDenied, FailureKind.PermissionDenied, At(target, $"{FailureText.Of(exception)}"), exception),
            _ => new(target, ErrorIds.UnexpectedError, FailureKind.Other, At(target, $"{FailureText.Of(exception)}"), exception),
        };
    }

    /// <summary>A failure met while the TLS handshake ran: whatever broke it (a reset, garbage, a bad certificate) is a TLS failure.</summary>
    public static TargetFailure Tls(string target, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is TimeoutException or OperationCanceledException) return TimedOut(target, null, exception);
        if (Innermost<TimeoutException>(exception) is not null)
        {
            return new(target, ErrorIds.Timeout, FailureKind.Timeout, At(target, $"{FailureText.Of(exception)}"), exception);
        }
        if (Innermost<SocketException>(exception) is { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } s)
        {
            return Socket(target, s, exception);
        }
        if (RequiresClientCertificate(exception)) return ClientCertificateRequired(target, exception);
        var reason = FailureText.Of(exception);
        return Mentions(exception, "remote certificate")
            ? new(target, ErrorIds.CertificateUntrusted, FailureKind.TlsFailure, At(target, $"{reason}."), exception)
            : new(target, ErrorIds.TlsFailed, FailureKind.TlsFailure, At(target, $"TLS handshake failed: {reason}."), exception);
    }

    /// <summary>
    /// The server's certificate_required alert (TLS 1.3, RFC 8446 section 4.4.2.4): it accepts only clients that prove
    /// themselves with a certificate. TLS 1.2 has no such alert (a server sends handshake_failure, as for any refusal),
    /// so there the failure stays TlsFailed.
    /// </summary>
    internal static bool RequiresClientCertificate(Exception exception) => Mentions(exception, "alert certificate required");

    private static TargetFailure ClientCertificateRequired(string target, Exception exception) =>
        new(target, ErrorIds.ClientCertificateRequired, FailureKind.TlsFailure, At(target, $"{FailureText.Of(exception)}."), exception);

    /// <summary>A timeout, naming the limit when known ("no answer within 2 s").</summary>
    public static TargetFailure TimedOut(string target, TimeSpan? timeout, Exception? exception = null, string? what = null) =>
        new(target, ErrorIds.Timeout, FailureKind.Timeout, timeout is { TotalSeconds: > 0 } t
            ? At(target, string.Create(CultureInfo.InvariantCulture, $"{what ?? "no answer"} within {t.TotalSeconds:0.###} s."))
            : At(target, "timed out."), exception);

    /// <summary>The peer reset or closed the connection: a reset, an abort, or a broken pipe on a write (Shutdown).</summary>
    internal static bool IsReset(SocketError code) => code is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown;

    private static TargetFailure Socket(string target, SocketException s, Exception? cause = null) => s.SocketErrorCode switch
    {
        SocketError.ConnectionRefused =>
            new(target, ErrorIds.ConnectionRefused, FailureKind.ConnectionRefused, At(target, $"connection refused; nothing listens on that port."), cause ?? s),
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain =>
            new(target, ErrorIds.HostNotResolved, FailureKind.ResolutionFailed, At(target, $"the name could not be resolved."), cause ?? s),
        var code when IsReset(code) =>
            new(target, ErrorIds.ConnectionReset, FailureKind.ConnectionReset, At(target, $"the peer reset the connection."), cause ?? s),
        SocketError.TimedOut => new(target, ErrorIds.Timeout, FailureKind.Timeout, At(target, $"timed out."), cause ?? s),
        SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.AddressNotAvailable =>
            new(target, ErrorIds.Unreachable, FailureKind.Unreachable, At(target, $"unreachable ({s.SocketErrorCode})."), cause ?? s),
        SocketError.AccessDenied => new(target, ErrorIds.PermissionDenied, FailureKind.PermissionDenied, At(target, $"permission denied by the operating system."), cause ?? s),
        _ => new(target, ErrorIds.NetworkError, FailureKind.Other, At(target, $"{FailureText.Of(s)}"), cause ?? s),
    };

    private static TargetFailure Http(string target, HttpRequestException http, TimeSpan? timeout)
    {
        if (Innermost<SocketException>(http) is { } s) return Socket(target, s, http);
        if (Innermost<AuthenticationException>(http) is not null) return Tls(target, http);
        if (Innermost<TimeoutException>(http) is not null) return TimedOut(target, timeout, http);
        if (http.StatusCode is { } status)
        {
            return new(target, "HttpError", FailureKind.ProtocolError, At(target, $"the server answered {(int)status} {status}."), http);
        }
        return http.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError =>
                new(target, ErrorIds.HostNotResolved, FailureKind.ResolutionFailed, At(target, $"the name could not be resolved."), http),
            HttpRequestError.SecureConnectionError => Tls(target, http),
            HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError or HttpRequestError.ResponseEnded or HttpRequestError.VersionNegotiationError =>
                new(target, ErrorIds.ProtocolError, FailureKind.ProtocolError, At(target, $"{FailureText.Of(http)}"), http),
            _ => new(target, ErrorIds.NetworkError, FailureKind.Other, At(target, $"{FailureText.Of(http)}"), http),
        };
    }

    private static TargetFailure WebSocket(string target, WebSocketException ws, TimeSpan? timeout) => ws switch
    {
        { WebSocketErrorCode: WebSocketError.ConnectionClosedPrematurely } =>
            new(target, ErrorIds.ConnectionClosed, FailureKind.ConnectionReset, At(target, $"{FailureText.Of(ws)}"), ws),
        { InnerException: { } inner } when inner is HttpRequestException or SocketException or IOException or AuthenticationException => From(target, inner, timeout),
        { WebSocketErrorCode: WebSocketError.Faulted } =>
            new(target, ErrorIds.ConnectionClosed, FailureKind.ConnectionReset, At(target, $"{FailureText.Of(ws)}"), ws),
        _ => new(target, ErrorIds.ProtocolError, FailureKind.ProtocolError, At(target, $"the WebSocket handshake failed: {FailureText.Of(ws)} (is it a WebSocket endpoint?)"), ws),
    };

    /// <summary>"target: text", unless the text already names the target (an engine message that says where).</summary>
    public static string At(string target, string text) =>
        string.IsNullOrEmpty(target) || text.Contains(target, StringComparison.OrdinalIgnoreCase) ? text : $"{target}: {text}";

    /// <summary>The innermost exception of type T in the chain, if any.</summary>
    internal static T? Innermost<T>(Exception? exception)
        where T : Exception
    {
        T? found = null;
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T t) found = t;
        }
        return found;
    }

    private static bool Mentions(Exception exception, params string[] words)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (words.Any(w => e.Message.Contains(w, StringComparison.OrdinalIgnoreCase))) return true;
        }
        return false;
    }
}
