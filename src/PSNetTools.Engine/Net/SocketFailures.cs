namespace PSNetTools.Net;

/// <summary>Turns socket and timeout exceptions into per-target failures; kept for the callers of the fan-out areas, <see cref="Failures"/> does the work.</summary>
public static class SocketFailures
{
    public static TargetFailure From(string target, Exception ex, double timeoutSec = 0) =>
        Failures.From(target, ex, timeoutSec > 0 ? TimeSpan.FromSeconds(timeoutSec) : null);
}
