using System.Collections;
using System.Globalization;
using System.Management.Automation;
using PSNetTools.WebSockets;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.WebSockets;

/// <summary>What Connect-WebSocket and Send-WebSocketMessage -Uri share: options from parameters, failures as records.</summary>
internal static class WebSocketParameters
{
    public static WebSocketClientOptions Options(Uri uri, string[]? subprotocols, IDictionary? headers, double timeoutSec, PSNetTools.Net.TlsTrust tls, int maxMessageBytes)
    {
        var map = PowerShellValues.TextMap(headers);
        return new WebSocketClientOptions
        {
            Uri = uri,
            Subprotocols = subprotocols ?? [],
            Headers = map,
            TimeoutSec = timeoutSec,
            Tls = tls,
            MaxMessageBytes = maxMessageBytes,
        };
    }

    /// <summary>Checks the scheme before any connection: a wrong URL is the user's to fix, not the network's.</summary>
    public static ErrorRecord? CheckUri(Uri uri) =>
        uri.IsAbsoluteUri && uri.Scheme is "ws" or "wss"
            ? null
            : new ErrorRecord(new ArgumentException($"'{uri.OriginalString}' is not a ws:// or wss:// URL."), "UnsupportedScheme", ErrorCategory.InvalidArgument, uri.OriginalString);
}
