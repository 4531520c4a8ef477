using PSNetTools.Net;

namespace PSNetTools.XmlRpc;

/// <summary>
/// A document broke one of the <see cref="XmlRpcReadLimits"/>. It is a <see cref="FormatException"/> (the document is
/// refused like malformed XML) whose <see cref="Limit"/> names the limit, so a caller can say how to raise it.
/// </summary>
public sealed class XmlRpcLimitException : FormatException, IHasTargetFailure
{
    public XmlRpcLimitException()
    {
    }

    public XmlRpcLimitException(string message)
        : base(message)
    {
    }

    public XmlRpcLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public XmlRpcLimitException(string limit, string message)
        : base(message)
    {
        Limit = limit;
    }

    public XmlRpcLimitException(string limit, string message, Exception innerException)
        : base(message, innerException)
    {
        Limit = limit;
    }

    /// <summary>The <see cref="XmlRpcReadLimits"/> property that stopped the read: "MaxDepth" or "MaxBytes".</summary>
    public string Limit { get; } = "";

    /// <summary>MaxDepthExceeded or ReplyTooLarge: a limit, not a broken peer; the cmdlet says which parameter raises it.</summary>
    public TargetFailure Failure => Limit switch
    {
        nameof(XmlRpcReadLimits.MaxDepth) => new("", "MaxDepthExceeded", FailureKind.LimitExceeded, Message, this),
        nameof(XmlRpcReadLimits.MaxBytes) or nameof(XmlRpcCallOptions.MaxResponseBytes) => new("", "ReplyTooLarge", FailureKind.LimitExceeded, Message, this),
        _ => new("", ErrorIds.ProtocolError, FailureKind.ProtocolError, Message, this),
    };
}
