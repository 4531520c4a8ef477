namespace PSNetTools.Engine.Net;

/// <summary>A failure that concerns one target only: the cmdlet reports it and the others go on.</summary>
/// <param name="Target">What the user typed (host, CIDR block, URI...).</param>
/// <param name="ErrorId">Stable identifier, e.g. "HostNotResolved"; becomes the ErrorRecord's FullyQualifiedErrorId.</param>
/// <param name="Kind">Broad class of the failure.</param>
/// <param name="Message">What happened and, where possible, what to do.</param>
/// <param name="Exception">The underlying exception, if any.</param>
public sealed record TargetFailure(string Target, string ErrorId, FailureKind Kind, string Message, Exception? Exception = null);
