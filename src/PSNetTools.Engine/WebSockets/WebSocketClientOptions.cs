namespace PSNetTools.WebSockets;

public sealed record WebSocketClientOptions
{
    public required Uri Uri { get; init; }

    public IReadOnlyList<string> Subprotocols { get; init; } = [];

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>For the opening handshake, and the default wait for an answer.</summary>
    public double TimeoutSec { get; init; } = 30;

    /// <summary>For wss://: roots trusted besides the system's, skipping the check, a client certificate.</summary>
    public PSNetTools.Net.TlsTrust Tls { get; init; } = PSNetTools.Net.TlsTrust.Default;

    /// <summary>A message larger than this closes the connection (1009 Message Too Big) instead of filling memory.</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Messages received but not yet read; when full, reading from the socket pauses (back-pressure).</summary>
    public int ReceiveQueueLength { get; init; } = 10_000;

    public Action<string>? Log { get; init; }
}
