namespace PSNetTools.Net;

/// <summary>One item of a streamed result: a value, or the failure of one target (which must not end the stream).</summary>
public readonly record struct Outcome<T>
{
    internal Outcome(T? value, TargetFailure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public TargetFailure? Failure { get; }
}

public static class Outcome
{
    public static Outcome<T> Success<T>(T value) => new(value, null);

    public static Outcome<T> Failed<T>(TargetFailure failure) => new(default, failure);
}
