using System.Management.Automation;
using PSNetTools.Grpc;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

/// <summary>
/// Errors of Send-GrpcMessage and Receive-GrpcMessage. A passed deadline is the stream's, set by Connect-GrpcStream
/// -DeadlineSec: the shared advice would name this cmdlet's -TimeoutSec, which is not what ran out.
/// </summary>
internal static class GrpcStreamErrors
{
    public static ErrorRecord From(Exception exception, GrpcStreamSession session, PSCmdlet cmdlet)
    {
        if (exception is GrpcCallException { Status: GrpcStatusCode.DeadlineExceeded })
        {
            var record = ErrorRecords.FromException(exception, session.Method);
            record.ErrorDetails.RecommendedAction = "The stream's deadline passed: give Connect-GrpcStream a larger -DeadlineSec, or none.";
            return record;
        }
        return ErrorRecords.FromException(exception, session.Method, cmdlet);
    }
}
