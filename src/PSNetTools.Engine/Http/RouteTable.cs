using System.Globalization;

namespace PSNetTools.Http;

/// <summary>
/// Routes written as "METHOD /path" with placeholders ("GET /users/{id}", or Flask's "GET /users/&lt;int:id&gt;"),
/// matched the way Flask (Werkzeug) matches: the path exactly as written, case-sensitive (URL paths are, RFC 3986
/// section 6.2.2.1), a trailing slash included; each segment is compared percent-decoded ("/api/d%61ta" is
/// "/api/data"). A placeholder is a whole segment, {name} or &lt;name&gt;, with Werkzeug's converters as {name:int} or
/// &lt;int:name&gt;: string (the default: one non-empty segment), int (digits, an int or long), float (digits.digits, a
/// double), uuid (a Guid) and path (the rest of the path, slashes included; last segment only). A segment a converter
/// refuses does not match, so the next route may; literal routes are tried first, then int, float and uuid, then
/// string, then path, as Werkzeug orders them. See <see cref="RedirectFor"/> for Flask's slash rule.
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
        var raw = Split(parts[1]);
        var segments = new Segment[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            // Only the last segment may be empty (a route ending in '/'): '/a//b' could never be requested as written.
            if (raw[i].Length == 0 && i < raw.Length - 1) throw new ArgumentException($"Route '{key}' has an empty segment ('//').");
            segments[i] = Segment.Parse(key, raw[i]);
            if (segments[i].Kind == Converter.Path && i < raw.Length - 1)
            {
                throw new ArgumentException($"Route '{key}': a path placeholder ('{raw[i]}') takes the rest of the path, so it must be the last segment.");
            }
        }
        var names = segments.Where(g => g.Name is not null).GroupBy(g => g.Name!, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (names is not null) throw new ArgumentException($"Route '{key}' names the placeholder '{names.Key}' twice.");
        if (_routes.Any(r => r.Method == method && r.Segments.Select(g => g.Shape).SequenceEqual(segments.Select(g => g.Shape), StringComparer.Ordinal)))
        {
            throw new ArgumentException($"Route '{key}' is given twice.");
        }
        _routes.Add(new Route(key.Trim(), method, segments));
        return _routes.Count - 1;
    }

    /// <summary>
    /// The route for a request: its index and placeholder values (strings, or what the converter made of them); or,
    /// when none matches, the methods the path does allow, as an Allow header lists them (empty: 404). A GET route also
    /// allows HEAD, and every path that has a route allows OPTIONS, which the server answers itself unless a route
    /// takes it (as Flask does).
    /// </summary>
    public (int Index, IReadOnlyDictionary<string, object> Values, IReadOnlyList<string> Allowed) Match(string method, string path)
    {
        var segments = Split(path);
        var allowed = new SortedSet<string>(StringComparer.Ordinal);
        // Literal routes win over placeholders, so "GET /users/me" can sit beside "GET /users/{id}"; among
        // placeholders the stricter converters go first, so "/x/<int:n>" is tried before "/x/<name>".
        foreach (var route in _routes.OrderBy(r => r.Segments.Count(g => g.Name is not null)).ThenBy(r => r.Segments.Sum(g => g.Weight)))
        {
            if (!TryBind(route, segments, out var values)) continue;
            if (route.Method == "*" || route.Method == method || (method == "HEAD" && route.Method == "GET")) return (_routes.IndexOf(route), values, []);
            allowed.Add(route.Method);
            if (route.Method == "GET") allowed.Add("HEAD");
            allowed.Add("OPTIONS");
        }
        return (-1, new Dictionary<string, object>(), [.. allowed]);
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

    private static bool TryBind(Route route, string[] segments, out Dictionary<string, object> values)
    {
        values = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        var rest = route.Segments is [.., { Kind: Converter.Path }];
        if (rest ? segments.Length < route.Segments.Length : segments.Length != route.Segments.Length) return false;
        for (var i = 0; i < route.Segments.Length; i++)
        {
            var pattern = route.Segments[i];
            if (pattern.Kind == Converter.Path)
            {
                // Werkzeug's path converter: the rest of the path, each segment decoded, never empty.
                var tail = string.Join('/', segments[i..].Select(Uri.UnescapeDataString));
                if (tail.Length == 0 || tail.StartsWith('/')) return false;
                values[pattern.Name!] = tail;
                return true;
            }
            var segment = Uri.UnescapeDataString(segments[i]);
            if (pattern.Name is null)
            {
                if (!string.Equals(pattern.Literal, segment, StringComparison.Ordinal)) return false;
            }
            else if (pattern.Convert(segment) is { } value)
            {
                values[pattern.Name] = value;
            }
            else
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

    private sealed record Route(string Key, string Method, Segment[] Segments);

    private enum Converter { None, String, Int, Float, Uuid, Path }

    /// <summary>A literal segment, or a placeholder with its name and converter.</summary>
    private sealed record Segment(string? Literal, string? Name, Converter Kind)
    {
        /// <summary>What makes two routes the same route: the literal, or the converter (names do not count).</summary>
        public string Shape => Name is null ? Literal! : $"<{Kind}>";

        /// <summary>Werkzeug's weights: literals first, then int, float and uuid, then string, then path.</summary>
        public int Weight => Kind switch { Converter.None => 0, Converter.Int or Converter.Float or Converter.Uuid => 1, Converter.String => 2, _ => 3 };

        public static Segment Parse(string key, string text)
        {
            var braces = text.StartsWith('{') || text.EndsWith('}');
            var angles = text.StartsWith('<') || text.EndsWith('>');
            if (!braces && !angles)
            {
                if (text.IndexOfAny(['{', '}', '<', '>']) >= 0)
                {
                    throw new ArgumentException($"Route '{key}': '{text}' is not a valid segment; a placeholder is a whole segment, {{id}} or <id>.");
                }
                return new Segment(Uri.UnescapeDataString(text), null, Converter.None);
            }
            if ((text.EndsWith('}') && !text.StartsWith('{')) || (text.EndsWith('>') && !text.StartsWith('<')))
            {
                throw new ArgumentException($"Route '{key}': '{text}' is not a valid segment; a placeholder is a whole segment, {{id}} or <id>.");
            }
            if (braces && !(text.StartsWith('{') && text.EndsWith('}')) || angles && !(text.StartsWith('<') && text.EndsWith('>')) || text.Length < 3)
            {
                throw new ArgumentException($"Route '{key}': '{text}' is not a valid segment; placeholders look like {{id}}, {{id:int}}, <id> or <int:id>.");
            }
            // {name:converter} as ASP.NET writes constraints, <converter:name> as Flask writes them.
            var inner = text[1..^1].Split(':');
            if (inner.Length > 2) throw new ArgumentException($"Route '{key}': '{text}' has more than one ':'.");
            var (name, converter) = inner.Length == 1 ? (inner[0], "string") : braces ? (inner[0], inner[1]) : (inner[1], inner[0]);
            name = name.Trim();
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                throw new ArgumentException($"Route '{key}': '{text}' needs a name of letters, digits, '_' or '-'.");
            }
            var kind = converter.Trim().ToLowerInvariant() switch
            {
                "string" => Converter.String,
                "int" => Converter.Int,
                "float" => Converter.Float,
                "uuid" => Converter.Uuid,
                "path" => Converter.Path,
                _ => throw new ArgumentException($"Route '{key}': '{text}' names the converter '{converter}'; the converters are string, int, float, uuid and path."),
            };
            return new Segment(null, name, kind);
        }

        /// <summary>The segment's value for the handler, or null when this converter refuses it.</summary>
        public object? Convert(string segment) => Kind switch
        {
            _ when segment.Length == 0 => null,
            Converter.Int when segment.All(char.IsAsciiDigit) && long.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var n) =>
                n <= int.MaxValue ? (object)(int)n : n,
            Converter.Float when IsDecimal(segment) && double.TryParse(segment, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var x) => x,
            Converter.Uuid when Guid.TryParseExact(segment, "D", out var g) => g,
            Converter.String => segment,
            _ => null,
        };

        // Werkzeug's float converter: digits, a point, digits ("1.5"; not "1", ".5" or "1e3").
        private static bool IsDecimal(string s)
        {
            var dot = s.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && dot < s.Length - 1 && s.Remove(dot, 1).All(char.IsAsciiDigit);
        }
    }
}
