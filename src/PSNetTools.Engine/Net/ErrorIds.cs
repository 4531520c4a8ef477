namespace PSNetTools.Net;

/// <summary>
/// The error ids every protocol shares: the same condition has the same id whichever cmdlet met it, so a script can
/// catch "ConnectionRefused" once. Protocol-specific ids (GrpcNotFound, XmlRpcFault, MailRejected...) stay with their
/// protocol; about_PSNetTools lists them all.
/// </summary>
public static class ErrorIds
{
    public const string ConnectionRefused = nameof(ConnectionRefused);
    public const string HostNotResolved = nameof(HostNotResolved);
    public const string Timeout = nameof(Timeout);
    public const string ConnectionReset = nameof(ConnectionReset);
    public const string ConnectionClosed = nameof(ConnectionClosed);
    public const string Unreachable = nameof(Unreachable);
    public const string PermissionDenied = nameof(PermissionDenied);
    public const string TlsFailed = nameof(TlsFailed);
    public const string CertificateUntrusted = nameof(CertificateUntrusted);
    public const string ClientCertificateRequired = nameof(ClientCertificateRequired);
    public const string ProtocolError = nameof(ProtocolError);
    public const string AuthenticationFailed = nameof(AuthenticationFailed);
    public const string AuthenticationRequired = nameof(AuthenticationRequired);
    public const string InvalidTarget = nameof(InvalidTarget);
    public const string InvalidArgument = nameof(InvalidArgument);
    public const string FileNotFound = nameof(FileNotFound);
    public const string NetworkError = nameof(NetworkError);
    public const string UnexpectedError = nameof(UnexpectedError);
}
