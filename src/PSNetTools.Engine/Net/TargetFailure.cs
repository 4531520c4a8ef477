namespace PSNetTools.Net;

/// <summary>A failure that concerns one target only: the cmdlet reports it and the others go on.</summary>
/// <param name="Target">What the user typed (host, CIDR block, URI...).</param>
/// <param name="ErrorId">Stable identifier, e.g. "HostNotResolved" (<see cref="ErrorIds"/>); becomes the ErrorRecord's FullyQualifiedErrorId.</param>
/// <param name="Kind">Broad class of the failure.</param>
/// <param name="Message">What happened, in the engine's words. Advice about cmdlet parameters is not the engine's to give: the cmdlet layer adds it by ErrorId.</param>
/// <param name="Exception">The underlying exception, if any.</param>
public sealed record TargetFailure(string Target, string ErrorId, FailureKind Kind, string Message, Exception? Exception = null)
{
    /// <summary>Whether another attempt may succeed (the peer may come up, the network may recover).</summary>
    public bool IsTransient => Kind is FailureKind.ConnectionRefused or FailureKind.ConnectionReset or FailureKind.Timeout or FailureKind.Unreachable;
}
