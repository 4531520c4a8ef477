namespace PSNetTools.Http;

/// <summary>
/// Maps a request path to a file under the served root, or refuses it. Every trick that leads outside the root is
/// refused: ".." and "." segments (also when percent-encoded, %2e%2e), encoded slashes (%2f) that would smuggle them
/// in, backslashes, NUL, drive letters and absolute paths, and symbolic links whose target lies outside the root.
/// </summary>
public static class SafePath
{
    /// <summary>The real (link-free) full path of <paramref name="root"/>; what every resolved path must stay under.</summary>
    public static string RealRoot(string root) => RealPath(Path.GetFullPath(root)).TrimEnd(Path.DirectorySeparatorChar);

    /// <summary>Resolves the raw, still percent-encoded request path; null when it must be refused.</summary>
    public static string? Resolve(string realRoot, string rawPath)
    {
        ArgumentNullException.ThrowIfNull(realRoot);
        ArgumentNullException.ThrowIfNull(rawPath);
        var query = rawPath.IndexOfAny(['?', '#']);
        if (query >= 0) rawPath = rawPath[..query];
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(rawPath);
        }
        catch (UriFormatException)
        {
            return null;
        }
        if (decoded.Contains('\\', StringComparison.Ordinal) || decoded.Contains('\0', StringComparison.Ordinal)) return null;
        var segments = decoded.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments)
        {
            if (segment is "." or ".." || segment.Contains(':', StringComparison.Ordinal) || segment.TrimEnd('.', ' ').Length == 0) return null;
        }
        var candidate = Path.GetFullPath(Path.Combine([realRoot, .. segments]));
        if (!IsUnder(realRoot, candidate)) return null;
        // A link anywhere on the way may point outside: compare the real path too.
        var real = RealPath(candidate);
        return IsUnder(realRoot, real) ? real : null;
    }

    public static bool IsUnder(string root, string path) =>
        string.Equals(path, root, PathComparison) ||
        path.StartsWith(root + Path.DirectorySeparatorChar, PathComparison);

    private static StringComparison PathComparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Follows symbolic links component by component (like realpath(3)); parts that do not exist are kept as they are.</summary>
    public static string RealPath(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var parts = fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        var hops = 0;
        var queue = new Queue<string>(parts);
        while (queue.Count > 0)
        {
            var part = queue.Dequeue();
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.Exists && info.LinkTarget is { } target)
            {
                if (++hops > 40) return next; // a loop of links: IsUnder decides on what we have
                var resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
                var rest = queue.ToArray();
                var targetRoot = Path.GetPathRoot(Path.GetFullPath(resolved)) ?? root;
                queue = new Queue<string>([.. Path.GetFullPath(resolved)[targetRoot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries), .. rest]);
                current = targetRoot;
                continue;
            }
            current = next;
        }
        return current;
    }
}
