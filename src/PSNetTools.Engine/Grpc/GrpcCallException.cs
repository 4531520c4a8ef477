using Grpc.Core;

namespace PSNetTools.Engine.Grpc;

/// <summary>A call that ended with a status other than OK: the status, the server's detail and the trailers.</summary>
public sealed class GrpcCallException : Exception
{
    public GrpcCallException(GrpcStatusCode status, string detail, string method, IReadOnlyDictionary<string, string>? trailers = null, Exception? inner = null)
        : base(Describe(status, detail, method), inner)
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
        : base(message)
    {
        Detail = message;
        Method = "";
        Trailers = new Dictionary<string, string>();
    }

    public GrpcCallException(string message, Exception innerException)
        : base(message, innerException)
    {
        Detail = message;
        Method = "";
        Trailers = new Dictionary<string, string>();
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
        return new GrpcCallException((GrpcStatusCode)(int)ex.StatusCode, ex.Status.Detail, method, trailers, ex.Status.DebugException ?? ex);
    }

    private static string Describe(GrpcStatusCode status, string detail, string method)
    {
        var hint = status switch
        {
            _ when detail.Contains("certificate", StringComparison.OrdinalIgnoreCase) =>
                " The server's TLS certificate is not trusted: add -SkipCertificateCheck for a self-signed or test certificate (or -Plaintext if the server has no TLS).",
            _ when detail.Contains("SSL", StringComparison.Ordinal) =>
                " The TLS handshake failed: if the server has no TLS, add -Plaintext.",
            GrpcStatusCode.Unavailable => " Check the address and port, and whether the server speaks TLS: add -Plaintext for a server without TLS, or -SkipCertificateCheck for a self-signed certificate.",
            GrpcStatusCode.DeadlineExceeded => " The call did not finish within the deadline: raise -DeadlineSec.",
            GrpcStatusCode.Unimplemented => " The server does not implement this method: Get-GrpcService lists what it offers.",
            _ => "",
        };
        var subject = string.IsNullOrEmpty(method) ? "gRPC call" : method;
        return $"{subject}: {status}: {(string.IsNullOrEmpty(detail) ? "(no detail)" : detail)}.{hint}";
    }
}
