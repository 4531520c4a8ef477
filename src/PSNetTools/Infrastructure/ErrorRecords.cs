using System.Management.Automation;
using System.Net.Sockets;
using PSNetTools.Engine.Net;
using PSNetTools.Engine.Servers;

namespace PSNetTools.Infrastructure;

/// <summary>Builds ErrorRecords with stable ErrorIds and categories, so -ErrorAction, $Error and Pester assertions work.</summary>
public static class ErrorRecords
{
    public static ErrorRecord From(TargetFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var exception = new InvalidOperationException(failure.Message, failure.Exception);
        return new ErrorRecord(exception, failure.ErrorId, Category(failure.Kind), failure.Target);
    }

    public static ErrorRecord FromException(Exception exception, object? target)
    {
        ArgumentNullException.ThrowIfNull(exception);
        // Work that already built its record (RuntimeException with an ErrorRecord) keeps its ErrorId and category.
        if (exception is RuntimeException { ErrorRecord: { } prepared } && prepared.Exception != exception) return prepared;
        var (id, category) = exception switch
        {
            ServerStartException { InnerException: SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } } => ("PortInUse", ErrorCategory.ResourceUnavailable),
            ServerStartException => ("ServerStartFailed", ErrorCategory.ResourceUnavailable),
            ArgumentException => ("InvalidArgument", ErrorCategory.InvalidArgument),
            FormatException => ("InvalidArgument", ErrorCategory.InvalidArgument),
            TimeoutException => ("Timeout", ErrorCategory.OperationTimeout),
            UnauthorizedAccessException => ("PermissionDenied", ErrorCategory.PermissionDenied),
            FileNotFoundException => ("FileNotFound", ErrorCategory.ObjectNotFound),
            SocketException or IOException => ("NetworkError", ErrorCategory.ConnectionError),
            _ => (exception.GetType().Name, ErrorCategory.NotSpecified),
        };
        return new ErrorRecord(exception, id, category, target);
    }

    public static ErrorCategory Category(FailureKind kind) => kind switch
    {
        FailureKind.InvalidTarget => ErrorCategory.InvalidArgument,
        FailureKind.ResolutionFailed => ErrorCategory.ObjectNotFound,
        FailureKind.ConnectionRefused => ErrorCategory.ConnectionError,
        FailureKind.ConnectionReset => ErrorCategory.ConnectionError,
        FailureKind.Unreachable => ErrorCategory.ConnectionError,
        FailureKind.Timeout => ErrorCategory.OperationTimeout,
        FailureKind.TlsFailure => ErrorCategory.SecurityError,
        FailureKind.ProtocolError => ErrorCategory.ProtocolError,
        FailureKind.PermissionDenied => ErrorCategory.PermissionDenied,
        FailureKind.AuthenticationFailed => ErrorCategory.AuthenticationError,
        FailureKind.LimitExceeded => ErrorCategory.LimitsExceeded,
        _ => ErrorCategory.NotSpecified,
    };
}
