using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Net.WebSockets;
using PSNetTools.Engine.Net;
using PSNetTools.Engine.WebSockets;

namespace PSNetTools.Commands.WebSockets;

/// <summary>What Connect-WebSocket and Send-WebSocketMessage -Uri share: options from parameters, failures as records.</summary>
internal static class WebSocketParameters
{
    public static WebSocketClientOptions Options(Uri uri, string[]? subprotocols, IDictionary? headers, double timeoutSec, bool skipCertificateCheck, int maxMessageBytes)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (headers is not null)
        {
            foreach (DictionaryEntry entry in headers)
            {
                map[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = Convert.ToString(entry.Value is PSObject p ? p.BaseObject : entry.Value, CultureInfo.InvariantCulture) ?? "";
            }
        }
        return new WebSocketClientOptions
        {
            Uri = uri,
            Subprotocols = subprotocols ?? [],
            Headers = map,
            TimeoutSec = timeoutSec,
            SkipCertificateCheck = skipCertificateCheck,
            MaxMessageBytes = maxMessageBytes,
        };
    }

    /// <summary>Checks the scheme before any connection: a wrong URL is the user's to fix, not the network's.</summary>
    public static ErrorRecord? CheckUri(Uri uri) =>
        uri.IsAbsoluteUri && uri.Scheme is "ws" or "wss"
            ? null
            : new ErrorRecord(new ArgumentException($"'{uri.OriginalString}' is not a ws:// or wss:// URL."), "UnsupportedScheme", ErrorCategory.InvalidArgument, uri.OriginalString);

    public static TargetFailure Failure(string target, Exception ex, double timeoutSec) => ex switch
    {
        // Ours: a session whose connection ended (server gone, reset, 1009, close without handshake).
        WebSocketException { WebSocketErrorCode: WebSocketError.ConnectionClosedPrematurely } closed =>
            new(target, "ConnectionClosed", FailureKind.ConnectionReset, closed.Message, closed),
        WebSocketException { InnerException: HttpRequestException { InnerException: { } inner } } => SocketFailures.From(target, inner, timeoutSec),
        WebSocketException { InnerException: { } inner } when inner is System.Net.Sockets.SocketException or IOException => SocketFailures.From(target, inner, timeoutSec),
        WebSocketException { WebSocketErrorCode: WebSocketError.Faulted } closed =>
            new(target, "ConnectionClosed", FailureKind.ConnectionReset, closed.Message, closed),
        WebSocketException ws =>
            new(target, "HandshakeFailed", FailureKind.ProtocolError, $"{target}: the WebSocket handshake failed: {ws.Message} (is it a WebSocket endpoint?)", ws),
        _ => SocketFailures.From(target, ex, timeoutSec),
    };
}
