using System.Runtime.InteropServices;

namespace PSNetTools.Servers;

/// <summary>
/// How many sockets the servers' client connections and the port scanner's connect slots of this process may hold
/// together, from the process's open-file limit (RLIMIT_NOFILE, `ulimit -n`). A process out of descriptors is not just a server that cannot accept: the .NET runtime
/// needs descriptors to start threads, and when it cannot, it aborts the whole process with "Out of memory." (measured:
/// pwsh under `ulimit -n 2048` died of 5,000 idle connections although each server's own cap is 10,000, and under
/// `ulimit -n 1024` of a scan with 4,000 connects at once). So they together leave a reserve untouched for the runtime
/// and the rest of the session: servers refuse connections past it, a scan runs fewer connects at once.
/// </summary>
internal static class DescriptorBudget
{
    private static int _held;

    /// <summary>Connections the servers of this process hold now.</summary>
    public static int Held => Volatile.Read(ref _held);

    /// <summary>The open-file limit now (read at every call: `prlimit` can change it while the process runs), or null where there is none to read.</summary>
    public static long? Limit()
    {
        try
        {
            // rlim_t is 64 bits on 64-bit processes only; a 32-bit one goes without the budget rather than misread it.
            if (IntPtr.Size == 8 && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
            {
                var resource = OperatingSystem.IsLinux() ? 7 : 8;
                if (NativeMethods.getrlimit(resource, out var limit) == 0) return limit.Current > long.MaxValue ? long.MaxValue : (long)limit.Current;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
        }
        return null;
    }

    /// <summary>What the servers may hold: the limit minus a quarter of it for everything else, at least 256 and at most 4,096 descriptors.</summary>
    public static long Budget(long? limit) => limit is { } l ? Math.Max(0, l - Math.Clamp(l / 4, 256, 4096)) : long.MaxValue;

    /// <summary>Takes one connection's descriptor; false (and nothing taken) when the budget is spent. Give it back with <see cref="Release()"/>.</summary>
    public static bool TryTake(out long limit)
    {
        limit = Limit() ?? long.MaxValue;
        if (Interlocked.Increment(ref _held) <= Budget(limit)) return true;
        Interlocked.Decrement(ref _held);
        return false;
    }

    public static void Release() => Interlocked.Decrement(ref _held);

    /// <summary>Takes as many of <paramref name="wanted"/> descriptors as the budget has left (perhaps none); give them back with <see cref="Release(int)"/>.</summary>
    public static int TakeUpTo(int wanted, out long limit)
    {
        limit = Limit() ?? long.MaxValue;
        var budget = Budget(limit);
        while (true)
        {
            var held = Volatile.Read(ref _held);
            var taken = (int)Math.Clamp(budget - held, 0, wanted);
            if (Interlocked.CompareExchange(ref _held, held + taken, held) == held) return taken;
        }
    }

    public static void Release(int count) => Interlocked.Add(ref _held, -count);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int getrlimit(int resource, out RLimit limit);
    }
}
