namespace PSNetTools.Net;

/// <summary>Why one target failed; the cmdlets map it to an ErrorCategory (the ErrorId says exactly what happened).</summary>
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

    /// <summary>The server answered that what was asked for does not exist (gRPC NotFound, an IMAP folder).</summary>
    NotFound,

    /// <summary>The server does not implement what was asked (gRPC Unimplemented).</summary>
    NotImplemented,

    /// <summary>The server ran the call and answered with an error of its own (an XML-RPC fault, a gRPC status).</summary>
    ServerFault,

    /// <summary>The server refused the request's content (gRPC InvalidArgument, an SMTP recipient rejected).</summary>
    Rejected,
}
