namespace PSNetTools.Net;

/// <summary>
/// An exception that knows its failure (id, kind, message). <see cref="TargetFailureException"/> implements it; so do
/// exceptions that must keep a BCL base for their callers (a bad request body is an ArgumentException).
/// </summary>
public interface IHasTargetFailure
{
    TargetFailure Failure { get; }
}
