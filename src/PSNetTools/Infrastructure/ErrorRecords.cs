using System.Management.Automation;
using System.Net.Sockets;
using PSNetTools.Net;
using PSNetTools.Servers;

namespace PSNetTools.Infrastructure;

/// <summary>
/// The one mapper from engine failures to ErrorRecords: ErrorId from the failure's stable id, the category from its
/// kind, the target as TargetObject, the engine's words as the message (checked against the wording rules) and the
/// advice about this cmdlet's parameters as ErrorDetails.RecommendedAction (<see cref="ErrorAdvice"/>).
/// </summary>
public static class ErrorRecords
{
    /// <param name="cmdlet">Whose parameters the advice may name; null gives no advice.</param>
    /// <param name="target">The TargetObject when the failure names none (a gRPC status knows no address).</param>
    /// <param name="thrown">The engine exception that carried the failure: it stays the record's exception, so scripts can catch its type and read its properties.</param>
    public static ErrorRecord From(TargetFailure failure, PSCmdlet? cmdlet = null, object? target = null, Exception? thrown = null)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var message = FailureText.Clean(failure.Message);
        var exception = thrown ?? (failure.Exception is TargetFailureException own && own.Failure.ErrorId == failure.ErrorId
            ? own
            : new TargetFailureException(failure with { Message = message }));
        var record = new ErrorRecord(exception, failure.ErrorId, Category(failure.Kind), failure.Target.Length > 0 ? failure.Target : target);
        record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = ErrorAdvice.For(failure, cmdlet) };
        return record;
    }

    /// <summary>A whole call's failure (an exception out of the work), through the same classifier as per-target ones.</summary>
    public static ErrorRecord FromException(Exception exception, object? target, PSCmdlet? cmdlet = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        // Work that already built its record (RuntimeException with an ErrorRecord) keeps its ErrorId and category.
        if (exception is RuntimeException { ErrorRecord: { } prepared } && prepared.Exception != exception) return prepared;
        if (exception is ServerStartException start)
        {
            var inUse = start.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse };
            var id = inUse ? "PortInUse" : "ServerStartFailed";
            var message = FailureText.Clean(exception.Message);
            return new ErrorRecord(exception, id, ErrorCategory.ResourceUnavailable, target)
            {
                ErrorDetails = new ErrorDetails(message)
                {
                    RecommendedAction = ErrorAdvice.For(new TargetFailure("", id, FailureKind.Other, message, exception), cmdlet),
                },
            };
        }
        var text = target switch
        {
            null => "",
            string s => s,
            Uri u => u.OriginalString,
            _ => Convert.ToString(target, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        };
        var failure = Failures.From(exception is ArgumentException and not IHasTargetFailure ? "" : text, exception);
        return From(failure, cmdlet, target, exception is IHasTargetFailure ? exception : null);
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
        FailureKind.NotFound => ErrorCategory.ObjectNotFound,
        FailureKind.NotImplemented => ErrorCategory.NotImplemented,
        FailureKind.ServerFault => ErrorCategory.InvalidResult,
        FailureKind.Rejected => ErrorCategory.InvalidArgument,
        _ => ErrorCategory.NotSpecified,
    };
}
