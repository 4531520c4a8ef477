namespace PSNetTools.XmlRpc;

/// <summary>
/// What the codec reads from an untrusted document before it refuses it: how deep values nest (struct and array
/// levels) and how large the document is. Both are checked while reading, so a hostile document is refused at the
/// element or byte that breaks the limit, never after it was loaded.
/// </summary>
public sealed record XmlRpcReadLimits
{
    /// <summary>Struct/array levels a value may nest: far more than any real API uses, far less than the stack holds.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>Bytes of XML read before the document is refused (the client's answer cap).</summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    public static XmlRpcReadLimits Default { get; } = new();

    public int MaxDepth { get; init; } = DefaultMaxDepth;

    public long MaxBytes { get; init; } = DefaultMaxBytes;
}
