namespace PSNetTools.Ping;

/// <summary>The fate of one echo request.</summary>
public enum PingStatus
{
    Success,
    TimedOut,
    DestinationUnreachable,
    TtlExpired,
    Other,
}
