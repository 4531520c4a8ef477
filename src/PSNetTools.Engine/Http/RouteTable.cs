namespace PSNetTools.Http;

/// <summary>
/// Routes written as "METHOD /path" with {name} placeholders ("GET /users/{id}"). Literal segments match
/// case-insensitively; a placeholder matches one non-empty segment and its value is handed to the handler.
/// </summary>
public sealed class RouteTable
{
    private readonly List<Route> _routes = [];

    public IReadOnlyList<string> Keys => [.. _routes.Select(r => r.Key)];

    /// <summary>Adds a route; the number returned identifies it to the dispatcher.</summary>
    public int Add(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var parts = key.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !parts[1].StartsWith('/'))
        {
            throw new ArgumentException($"Route '{key}' must be written as 'METHOD /path', e.g. 'GET /' or 'POST /api/user/{{id}}'.");
        }
        var method = parts[0].ToUpperInvariant();
        if (method is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE" or "HEAD" or "OPTIONS" or "*"))
        {
            throw new ArgumentException($"Route '{key}': '{parts[0]}' is not an HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or *).");
        }
        var segments = Split(parts[1]);
        foreach (var s in segments)
        {
            if (s.StartsWith('{') != s.EndsWith('}') || (s.StartsWith('{') && s.Length < 3))
            {
                throw new ArgumentException($"Route '{key}': '{s}' is not a valid segment; placeholders look like {{id}}.");
            }
        }
        static string Shape(string segment) => segment.StartsWith('{') ? "{}" : segment;
        if (_routes.Any(r => r.Method == method && r.Segments.Select(Shape).SequenceEqual(segments.Select(Shape), StringComparer.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"Route '{key}' is given twice.");
        }
        _routes.Add(new Route(key.Trim(), method, segments));
        return _routes.Count - 1;
    }

    /// <summary>The route for a request: its index and placeholder values; or, when none matches, the methods the path does allow (empty: 404).</summary>
    public (int Index, IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> Allowed) Match(string method, string path)
    {
        var segments = Split(path);
        var allowed = new List<string>();
        // Literal routes win over placeholders, so "GET /users/me" can sit beside "GET /users/{id}".
        foreach (var route in _routes.OrderBy(r => r.Segments.Count(s => s.StartsWith('{'))))
        {
            if (!TryBind(route, segments, out var values)) continue;
            if (route.Method == "*" || route.Method == method || (method == "HEAD" && route.Method == "GET")) return (_routes.IndexOf(route), values, []);
            allowed.Add(route.Method);
        }
        return (-1, new Dictionary<string, string>(), allowed.Distinct().ToList());
    }

    private static bool TryBind(Route route, string[] segments, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (route.Segments.Length != segments.Length) return false;
        for (var i = 0; i < segments.Length; i++)
        {
            var pattern = route.Segments[i];
            if (pattern.StartsWith('{')) values[pattern[1..^1]] = Uri.UnescapeDataString(segments[i]);
            else if (!string.Equals(pattern, segments[i], StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    private static string[] Split(string path) => path.Split('?', '#')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);

    private sealed record Route(string Key, string Method, string[] Segments);
}
