namespace PSNetTools.Net;

/// <summary>
/// The base of every engine exception that means "this target failed": it carries the <see cref="TargetFailure"/>
/// (kind, stable id, target, the engine's message, the cause), so one mapper in the cmdlet layer handles them all.
/// </summary>
public class TargetFailureException : Exception, IHasTargetFailure
{
    public TargetFailureException()
        : this(new TargetFailure("", ErrorIds.UnexpectedError, FailureKind.Other, "the operation failed"))
    {
    }

    public TargetFailureException(string message)
        : this(new TargetFailure("", ErrorIds.UnexpectedError, FailureKind.Other, message))
    {
    }

    public TargetFailureException(string message, Exception innerException)
        : this(new TargetFailure("", ErrorIds.UnexpectedError, FailureKind.Other, message, innerException))
    {
    }

    public TargetFailureException(TargetFailure failure)
        : base(failure?.Message, failure?.Exception)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Failure = failure;
    }

    public TargetFailure Failure { get; }
}
