namespace PSNetTools.Infrastructure.Pumping;

/// <summary>
/// The pump's work failed; <see cref="Exception.InnerException"/> is what it threw. Kept apart from what a write
/// throws (a downstream error, a stopped pipeline), which the owner must pass on as it is.
/// </summary>
public sealed class PumpWorkException : Exception
{
    public PumpWorkException()
    {
    }

    public PumpWorkException(string message)
        : base(message)
    {
    }

    public PumpWorkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PumpWorkException(Exception innerException)
        : base(innerException?.Message, innerException)
    {
    }
}
