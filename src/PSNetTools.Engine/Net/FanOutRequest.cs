namespace PSNetTools.Net;

/// <summary>
/// One pipeline record's share of a fan-out: every address that <see cref="ComputerNames"/> stands for is worked on once
/// per entry of <see cref="PerTarget"/> (one entry per port, each carrying that record's own port, SNI, message...).
/// A record's values travel with its own items, so one record can never run with the values of another.
/// </summary>
public sealed record FanOutRequest<TOptions>(IReadOnlyList<string> ComputerNames, IReadOnlyList<TOptions> PerTarget);
