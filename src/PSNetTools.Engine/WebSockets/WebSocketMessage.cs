namespace PSNetTools.WebSockets;

/// <summary>One message received on a session (Receive-WebSocketMessage's row).</summary>
public sealed record WebSocketMessage
{
    public long Index { get; init; }

    /// <summary>Text or Binary.</summary>
    public required string MessageType { get; init; }

    /// <summary>The message as text (binary messages decoded as UTF-8, invalid bytes replaced).</summary>
    public required string Text { get; init; }

    public int Length { get; init; }

    public DateTime ReceivedAt { get; init; }

    public required string Uri { get; init; }

    internal byte[] Data { get; init; } = [];

    /// <summary>The message's bytes. A method, not a property: Export-Csv would write System.Byte[] and ConvertTo-Json an array of numbers.</summary>
    public byte[] GetData() => Data;
}

/// <summary>One message sent and the answer to it (Send-WebSocketMessage's row).</summary>
public sealed record WebSocketExchange
{
    public long Index { get; init; }

    public required string Sent { get; init; }

    /// <summary>The answer as text; null when no answer was awaited.</summary>
    public string? Received { get; init; }

    public double RoundTripMs { get; init; }

    /// <summary>The type of the answer (Text or Binary), or of the sent message when no answer was awaited.</summary>
    public required string MessageType { get; init; }

    public int SentBytes { get; init; }

    public int ReceivedBytes { get; init; }

    public required string Uri { get; init; }

    internal byte[]? ReceivedData { get; init; }

    /// <summary>The answer's bytes; null when no answer was awaited (a method for the reason given at WebSocketMessage.GetData).</summary>
    public byte[]? GetReceivedData() => ReceivedData;
}
