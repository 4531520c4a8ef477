namespace PSNetTools.Transport;

/// <summary>One message sent and what came back: a row of Send-TcpMessage / Send-UdpMessage.</summary>
public sealed record MessageReply
{
    public required string ComputerName { get; init; }

    public required string Address { get; init; }

    public required int Port { get; init; }

    /// <summary>Tcp, Tls or Udp.</summary>
    public required string Protocol { get; init; }

    /// <summary>1 for the first message to this target, 2 for the next...</summary>
    public int Sequence { get; init; }

    public int SentBytes { get; init; }

    public int ReceivedBytes { get; init; }

    /// <summary>The reply decoded with the options' encoding.</summary>
    public string Text { get; init; } = "";

    /// <summary>How the reply ended: PeerClosed, Quiet (no more bytes for the quiet period), NoReply (nothing within the read timeout), NotAwaited (no reply was asked for).</summary>
    public string Completion { get; init; } = "";

    /// <summary>Time to connect (and finish the TLS handshake) for the first message; 0 for later ones on the same connection.</summary>
    public double ConnectMs { get; init; }

    /// <summary>From sending to the first byte of the reply.</summary>
    public double FirstByteMs { get; init; }

    /// <summary>From sending to the end of the reply.</summary>
    public double TotalMs { get; init; }

    /// <summary>Connection attempts it took (retries + 1).</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>The negotiated TLS version, over TLS.</summary>
    public string? TlsProtocol { get; init; }

    internal byte[] Bytes { get; init; } = [];

    /// <summary>The reply as bytes, for binary protocols. A method, not a property: Export-Csv would write System.Byte[] and ConvertTo-Json an array of numbers.</summary>
    public byte[] GetBytes() => Bytes;
}
