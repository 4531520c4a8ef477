namespace PSNetTools.Scanning;

public enum PortState
{
    /// <summary>The connection was accepted.</summary>
    Open,

    /// <summary>The host answered with a reset: it is up and nothing listens.</summary>
    Closed,

    /// <summary>No answer within the timeout (a firewall dropping packets, or a host that is down).</summary>
    Filtered,
}
