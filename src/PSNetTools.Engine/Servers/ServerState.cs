namespace PSNetTools.Engine.Servers;

public enum ServerState
{
    Starting,
    Running,
    Stopping,
    Stopped,
    Failed,
}
