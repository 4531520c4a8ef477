using System.Collections.Concurrent;

namespace PSNetTools.Servers;

/// <summary>The servers running in this process (one registry per process: servers outlive the runspace that started them).</summary>
public static class ServerRegistry
{
    private static readonly ConcurrentDictionary<int, NetServer> Servers = new();
    private static int _lastId;

    public static IReadOnlyList<NetServer> All => [.. Servers.Values.OrderBy(s => s.Id)];

    internal static int NextId() => Interlocked.Increment(ref _lastId);

    internal static void Add(NetServer server) => Servers[server.Id] = server;

    internal static void Remove(NetServer server) => Servers.TryRemove(server.Id, out _);

    public static bool IsNameInUse(string name) => Servers.Values.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
