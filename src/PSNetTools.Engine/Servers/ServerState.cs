namespace PSNetTools.Servers;

public enum ServerState
{
    Starting,
    Running,
    Stopping,
    Stopped,
    Failed,
}
