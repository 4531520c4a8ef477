namespace PSNetTools.Engine.Net;

/// <summary>Why one target failed; the cmdlets map it to an ErrorCategory and a stable ErrorId.</summary>
public enum FailureKind
{
    Other,
    InvalidTarget,
    ResolutionFailed,
    ConnectionRefused,
    Timeout,
    ConnectionReset,
    TlsFailure,
    ProtocolError,
    PermissionDenied,
    Unreachable,

    /// <summary>The server rejected the credentials or requires some.</summary>
    AuthenticationFailed,

    /// <summary>A named limit stopped the work (too many targets, a reply too large); the message names it.</summary>
    LimitExceeded,
}
