namespace PSNetTools.Http;

/// <summary>
/// Routes written as "METHOD /path" with {name} placeholders ("GET /users/{id}"), matched the way Flask (Werkzeug)
/// matches: the path exactly as written, case-sensitive (URL paths are, RFC 3986 section 6.2.2.1), a trailing slash
/// included; each segment is compared percent-decoded ("/api/d%61ta" is "/api/data"). A placeholder matches one
/// non-empty segment and its value is handed to the handler. See <see cref="RedirectFor"/> for Flask's slash rule.
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
        for (var i = 0; i < segments.Length; i++)
        {
            var s = segments[i];
            if (s.StartsWith('{') != s.EndsWith('}') || (s.StartsWith('{') && s.Length < 3))
            {
                throw new ArgumentException($"Route '{key}': '{s}' is not a valid segment; placeholders look like {{id}}.");
            }
            // Only the last segment may be empty (a route ending in '/'): '/a//b' could never be requested as written.
            if (s.Length == 0 && i < segments.Length - 1) throw new ArgumentException($"Route '{key}' has an empty segment ('//').");
            if (!s.StartsWith('{')) segments[i] = Uri.UnescapeDataString(s);
        }
        static string Shape(string segment) => segment.StartsWith('{') ? "{}" : segment;
        if (_routes.Any(r => r.Method == method && r.Segments.Select(Shape).SequenceEqual(segments.Select(Shape), StringComparer.Ordinal)))
        {
            throw new ArgumentException($"Route '{key}' is given twice.");
        }
        _routes.Add(new Route(key.Trim(), method, segments));
        return _routes.Count - 1;
    }

    /// <summary>
    /// The route for a request: its index and placeholder values; or, when none matches, the methods the path does
    /// allow, as an Allow header lists them (empty: 404). A GET route also allows HEAD, and every path that has a route
    /// allows OPTIONS, which the server answers itself unless a route takes it (as Flask does).
    /// </summary>
    public (int Index, IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> Allowed) Match(string method, string path)
    {
        var segments = Split(path);
        var allowed = new SortedSet<string>(StringComparer.Ordinal);
        // Literal routes win over placeholders, so "GET /users/me" can sit beside "GET /users/{id}".
        foreach (var route in _routes.OrderBy(r => r.Segments.Count(s => s.StartsWith('{'))))
        {
            if (!TryBind(route, segments, out var values)) continue;
            if (route.Method == "*" || route.Method == method || (method == "HEAD" && route.Method == "GET")) return (_routes.IndexOf(route), values, []);
            allowed.Add(route.Method);
            if (route.Method == "GET") allowed.Add("HEAD");
            allowed.Add("OPTIONS");
        }
        return (-1, new Dictionary<string, string>(), [.. allowed]);
    }

    /// <summary>
    /// Flask's redirect rule, for a path no route matches: where the same path with repeated slashes merged, or with a
    /// trailing slash added, matches a route for this method, the path to redirect to (308 keeps the method and body);
    /// otherwise null. "/dir" goes to "/dir/" when only "/dir/" is a route; "/api/data/" stays a 404 beside "/api/data".
    /// </summary>
    public string? RedirectFor(string method, string path)
    {
        var merged = path;
        while (merged.Contains("//", StringComparison.Ordinal)) merged = merged.Replace("//", "/", StringComparison.Ordinal);
        if (merged != path && Match(method, merged).Index >= 0) return merged;
        if (!merged.EndsWith('/') && Match(method, merged + "/").Index >= 0) return merged + "/";
        return null;
    }

    private static bool TryBind(Route route, string[] segments, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (route.Segments.Length != segments.Length) return false;
        for (var i = 0; i < segments.Length; i++)
        {
            var pattern = route.Segments[i];
            var segment = Uri.UnescapeDataString(segments[i]);
            if (pattern.StartsWith('{'))
            {
                if (segment.Length == 0) return false;
                values[pattern[1..^1]] = segment;
            }
            else if (!string.Equals(pattern, segment, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    // "/" is [""], "/a" ["a"], "/a/" ["a", ""]: a trailing slash is a segment of its own, as Werkzeug's rules have it.
    private static string[] Split(string path)
    {
        var bare = path.Split('?', '#')[0];
        return (bare.StartsWith('/') ? bare[1..] : bare).Split('/');
    }

    private sealed record Route(string Key, string Method, string[] Segments);
}
