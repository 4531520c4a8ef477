using System.Management.Automation;
using PSNetTools.Engine.Grpc;
using PSNetTools.Engine.Grpc.Codec;

namespace PSNetTools.Commands.Grpc;

/// <summary>gRPC failures as ErrorRecords: ErrorId Grpc&lt;Status&gt; (GrpcUnavailable, GrpcNotFound ...), a matching category.</summary>
internal static class GrpcErrors
{
    public static ErrorRecord From(Exception exception, object? target) => exception switch
    {
        GrpcCallException call => new ErrorRecord(call, "Grpc" + call.Status, Category(call.Status), target),
        ProtoValueException body => new ErrorRecord(body, "InvalidBody", ErrorCategory.InvalidArgument, target),
        FileNotFoundException missing => new ErrorRecord(missing, "FileNotFound", ErrorCategory.ObjectNotFound, target),
        FormatException format => new ErrorRecord(format, "InvalidDescriptors", ErrorCategory.InvalidData, target),
        ArgumentException argument => new ErrorRecord(argument, "InvalidArgument", ErrorCategory.InvalidArgument, target),
        _ => new ErrorRecord(exception, exception.GetType().Name, ErrorCategory.NotSpecified, target),
    };

    public static bool IsExpected(Exception exception) =>
        exception is GrpcCallException or ProtoValueException or FileNotFoundException or FormatException or ArgumentException or IOException;

    private static ErrorCategory Category(GrpcStatusCode status) => status switch
    {
        GrpcStatusCode.Unavailable => ErrorCategory.ConnectionError,
        GrpcStatusCode.DeadlineExceeded => ErrorCategory.OperationTimeout,
        GrpcStatusCode.NotFound => ErrorCategory.ObjectNotFound,
        GrpcStatusCode.InvalidArgument or GrpcStatusCode.OutOfRange or GrpcStatusCode.FailedPrecondition => ErrorCategory.InvalidArgument,
        GrpcStatusCode.PermissionDenied => ErrorCategory.PermissionDenied,
        GrpcStatusCode.Unauthenticated => ErrorCategory.AuthenticationError,
        GrpcStatusCode.Unimplemented => ErrorCategory.NotImplemented,
        GrpcStatusCode.ResourceExhausted => ErrorCategory.LimitsExceeded,
        GrpcStatusCode.AlreadyExists => ErrorCategory.ResourceExists,
        GrpcStatusCode.Cancelled or GrpcStatusCode.Aborted => ErrorCategory.OperationStopped,
        _ => ErrorCategory.ProtocolError,
    };
}
