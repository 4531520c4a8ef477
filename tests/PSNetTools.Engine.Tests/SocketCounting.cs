namespace PSNetTools.Engine.Tests;

/// <summary>
/// Tests that count this process's sockets (/proc/self/fd) must not run beside tests that open sockets of their own:
/// xunit runs this collection alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SocketCounting
{
    public const string Name = "Socket counting";
}
