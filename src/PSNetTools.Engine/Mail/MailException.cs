using PSNetTools.Net;

namespace PSNetTools.Mail;

/// <summary>A mail operation failed; <see cref="TargetFailureException.Failure"/> carries the stable ErrorId and kind.</summary>
public sealed class MailException : TargetFailureException
{
    public MailException()
        : this(new TargetFailure("", "MailError", FailureKind.Other, "mail operation failed"))
    {
    }

    public MailException(string message)
        : this(new TargetFailure("", "MailError", FailureKind.Other, message))
    {
    }

    public MailException(string message, Exception innerException)
        : this(new TargetFailure("", "MailError", FailureKind.Other, message, innerException))
    {
    }

    public MailException(TargetFailure failure, bool connectionLevel = false)
        : base(failure)
    {
        IsConnectionLevel = connectionLevel;
    }

    /// <summary>True when the server could not be used at all (unreachable, TLS, login): nothing more can be sent through it.</summary>
    public bool IsConnectionLevel { get; }
}
