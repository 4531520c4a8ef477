using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Core;
using PSNetTools.Net;

namespace PSNetTools.Grpc;

/// <summary>
/// A call that ended with a status other than OK: the status, the server's detail and the trailers. When the call
/// never reached a server (refused, unresolvable, TLS), the failure has the shared id of that condition (ConnectionRefused,
/// HostNotResolved, TlsFailed...), not a bare Unavailable; a status the server sent has the id Grpc&lt;Status&gt;.
/// </summary>
public sealed class GrpcCallException : TargetFailureException
{
    public GrpcCallException(GrpcStatusCode status, string detail, string method, IReadOnlyDictionary<string, string>? trailers = null, Exception? inner = null)
        : base(Classify(status, detail, method, inner))
    {
        Status = status;
        Detail = detail;
        Method = method;
        Trailers = trailers ?? new Dictionary<string, string>();
    }

    public GrpcCallException()
        : this(GrpcStatusCode.Unknown, "", "")
    {
    }

    public GrpcCallException(string message)
        : this(GrpcStatusCode.Unknown, message, "")
    {
    }

    public GrpcCallException(string message, Exception innerException)
        : this(GrpcStatusCode.Unknown, message, "", null, innerException)
    {
    }

    public GrpcStatusCode Status { get; }

    public string Detail { get; }

    public string Method { get; }

    public IReadOnlyDictionary<string, string> Trailers { get; }

    internal static GrpcCallException From(RpcException ex, string method)
    {
        var trailers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in ex.Trailers)
        {
            trailers[entry.Key] = entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value;
        }
        var inner = ex.Status.DebugException ?? ex;
        // A TLS/plaintext mismatch comes back as Internal or Unavailable depending on how the server hung up; it is
        // one condition, the channel never came up: Unavailable, as gRPC's C core reports it.
        var status = Failures.Innermost<TransportMismatchException>(inner) is null ? (GrpcStatusCode)(int)ex.StatusCode : GrpcStatusCode.Unavailable;
        return new GrpcCallException(status, ex.Status.Detail, method, trailers, inner);
    }

    private static TargetFailure Classify(GrpcStatusCode status, string detail, string method, Exception? inner)
    {
        var subject = string.IsNullOrEmpty(method) ? "gRPC call" : method;
        if (Failures.Innermost<TransportMismatchException>(inner) is { } mismatch)
        {
            return mismatch.ServerSpeaksTls
                ? new("", ErrorIds.ProtocolError, FailureKind.ProtocolError, $"{subject}: {mismatch.Message}", inner)
                : new("", ErrorIds.TlsFailed, FailureKind.TlsFailure, $"{subject}: {mismatch.Message}", inner);
        }
        // The client library reports a connection that never came up as Unavailable/Internal with the transport's
        // exception as the debug exception: that exception says which condition it was.
        if (status is GrpcStatusCode.Unavailable or GrpcStatusCode.Internal or GrpcStatusCode.Unknown && IsTransport(inner))
        {
            var transport = Failures.From(subject, inner!);
            if (transport.Kind != FailureKind.Other) return transport with { Target = "" };
        }
        var reason = string.IsNullOrEmpty(detail) ? "(no detail)" : FailureText.Clean(detail);
        // The client library's own words for an answer that is not gRPC (HTTP/1.1, garbage): a wrong-protocol peer.
        if (status is GrpcStatusCode.Unavailable or GrpcStatusCode.Internal or GrpcStatusCode.Unknown &&
            (detail.Contains("Bad gRPC response", StringComparison.OrdinalIgnoreCase) || detail.Contains("HTTP/2", StringComparison.Ordinal) || detail.Contains("protocol error", StringComparison.OrdinalIgnoreCase)))
        {
            return new("", ErrorIds.ProtocolError, FailureKind.ProtocolError, $"{subject}: the peer did not answer in gRPC ({reason}).", inner);
        }
        return status switch
        {
            GrpcStatusCode.DeadlineExceeded =>
                new("", ErrorIds.Timeout, FailureKind.Timeout, $"{subject}: the call did not finish within its deadline ({reason}).", inner),
            _ => new("", "Grpc" + status, Kind(status), $"{subject}: {status}: {reason}.", inner),
        };
    }

    private static bool IsTransport(Exception? inner)
    {
        for (var e = inner; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or SocketException or AuthenticationException or IOException) return true;
        }
        return false;
    }

    private static FailureKind Kind(GrpcStatusCode status) => status switch
    {
        GrpcStatusCode.Unavailable => FailureKind.Unreachable,
        GrpcStatusCode.DeadlineExceeded => FailureKind.Timeout,
        GrpcStatusCode.NotFound => FailureKind.NotFound,
        GrpcStatusCode.InvalidArgument or GrpcStatusCode.OutOfRange or GrpcStatusCode.FailedPrecondition or GrpcStatusCode.AlreadyExists => FailureKind.Rejected,
        GrpcStatusCode.PermissionDenied => FailureKind.PermissionDenied,
        GrpcStatusCode.Unauthenticated => FailureKind.AuthenticationFailed,
        GrpcStatusCode.Unimplemented => FailureKind.NotImplemented,
        GrpcStatusCode.ResourceExhausted => FailureKind.LimitExceeded,
        GrpcStatusCode.Internal or GrpcStatusCode.Unknown or GrpcStatusCode.DataLoss => FailureKind.ServerFault,
        _ => FailureKind.ProtocolError,
    };
}
