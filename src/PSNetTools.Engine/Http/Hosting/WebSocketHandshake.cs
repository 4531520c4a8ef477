using System.Security.Cryptography;
using System.Text;

namespace PSNetTools.Http.Hosting;

/// <summary>The server's checks of an opening handshake (RFC 6455 section 4.2.1); every failure is a 400 with a reason.</summary>
public static class WebSocketHandshake
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>True when the client speaks the only version there is (13); otherwise it gets 426 naming it (section 4.4).</summary>
    public static bool VersionSupported(HttpServerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers["Sec-WebSocket-Version"]?.Trim() == "13";
    }

    /// <summary>Null when the request is a valid handshake; otherwise why it is not.</summary>
    public static string? Validate(HttpServerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!VersionSupported(request)) return "Sec-WebSocket-Version must be 13.";
        var key = request.Headers["Sec-WebSocket-Key"]?.Trim();
        if (key is null || key.Length != 24) return "Sec-WebSocket-Key must be 16 random bytes in base64.";
        try
        {
            if (Convert.FromBase64String(key).Length != 16) return "Sec-WebSocket-Key must be 16 random bytes in base64.";
        }
        catch (FormatException)
        {
            return "Sec-WebSocket-Key is not base64.";
        }
        return null;
    }

    /// <summary>The subprotocols the client offers, each a valid token; an invalid one makes the list unusable (null).</summary>
    public static IReadOnlyList<string>? OfferedProtocols(HttpServerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers["Sec-WebSocket-Protocol"];
        if (header is null) return [];
        var offered = header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return offered.All(HttpTokens.IsToken) ? offered : null;
    }

    // RFC 6455 fixes SHA-1 here; it proves the server read the handshake and protects nothing.
#pragma warning disable CA5350
    public static string AcceptKey(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));
#pragma warning restore CA5350
}
