using System.Net.Sockets;

namespace PSNetTools.Engine.Net;

/// <summary>Turns socket and timeout exceptions into per-target failures with stable ids and actionable messages.</summary>
public static class SocketFailures
{
    public static TargetFailure From(string target, Exception ex, double timeoutSec = 0)
    {
        var inner = ex is AggregateException { InnerException: { } i } ? i : ex;
        return inner switch
        {
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } s =>
                new(target, "ConnectionRefused", FailureKind.ConnectionRefused, $"{target}: connection refused; nothing listens on that port.", s),
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } s =>
                new(target, "HostNotResolved", FailureKind.ResolutionFailed, $"{target}: the name could not be resolved; check the spelling or the DNS configuration.", s),
            SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown } s =>
                new(target, "ConnectionReset", FailureKind.ConnectionReset, $"{target}: the peer reset the connection.", s),
            SocketException { SocketErrorCode: SocketError.TimedOut } s =>
                new(target, "Timeout", FailureKind.Timeout, $"{target}: timed out.", s),
            SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.AddressNotAvailable } s =>
                new(target, "Unreachable", FailureKind.Unreachable, $"{target}: unreachable ({s.SocketErrorCode}).", s),
            SocketException { SocketErrorCode: SocketError.AccessDenied } s =>
                new(target, "PermissionDenied", FailureKind.PermissionDenied, $"{target}: permission denied by the operating system.", s),
            TimeoutException or OperationCanceledException =>
                new(target, "Timeout", FailureKind.Timeout,
                    timeoutSec > 0 ? $"{target}: no answer within {timeoutSec:0.###} s; raise -TimeoutSec if the peer is slow." : $"{target}: timed out.", inner),
            System.Security.Authentication.AuthenticationException or IOException { InnerException: System.Security.Authentication.AuthenticationException } =>
                new(target, "TlsHandshakeFailed", FailureKind.TlsFailure, $"{target}: TLS handshake failed: {inner.Message}", inner),
            IOException io when io.InnerException is SocketException se => From(target, se, timeoutSec),
            _ => new(target, "NetworkError", FailureKind.Other, $"{target}: {inner.Message}", inner),
        };
    }
}
