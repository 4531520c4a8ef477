using System.Text.RegularExpressions;

namespace PSNetTools.Scraping;

/// <summary>
/// The rules of a robots.txt (RFC 9309) for one user agent: the group naming the agent, else the "*" group; the longest
/// matching Allow or Disallow wins (Allow on a tie); "*" matches anything and "$" anchors the end.
/// </summary>
public sealed class RobotsTxt
{
    private readonly List<(bool Allow, string Pattern, Regex Match)> _rules;

    private RobotsTxt(List<(bool, string, Regex)> rules) => _rules = rules;

    public static RobotsTxt AllowAll { get; } = new([]);

    public static RobotsTxt Parse(string text, string userAgent)
    {
        ArgumentNullException.ThrowIfNull(text);
        var agent = (userAgent ?? "").Split('/')[0].Trim().ToLowerInvariant();
        var groups = new List<(List<string> Agents, List<(bool, string)> Rules)>();
        (List<string> Agents, List<(bool, string)> Rules)? current = null;
        var lastWasAgent = false;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Split('#')[0].Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            var field = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (field == "user-agent")
            {
                if (!lastWasAgent || current is null)
                {
                    current = ([], []);
                    groups.Add(current.Value);
                }
                current.Value.Agents.Add(value.ToLowerInvariant());
                lastWasAgent = true;
                continue;
            }
            lastWasAgent = false;
            if (current is null) continue;
            if (field == "allow" && value.Length > 0) current.Value.Rules.Add((true, value));
            if (field == "disallow" && value.Length > 0) current.Value.Rules.Add((false, value));
        }
        var chosen = groups.Where(g => g.Agents.Any(a => a != "*" && agent.Contains(a, StringComparison.Ordinal))).ToList();
        if (chosen.Count == 0) chosen = groups.Where(g => g.Agents.Contains("*")).ToList();
        return new RobotsTxt([.. chosen.SelectMany(g => g.Rules).Select(r => (r.Item1, r.Item2, ToRegex(r.Item2)))]);
    }

    public bool IsAllowed(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var path = uri.PathAndQuery;
        var best = _rules.Where(r => r.Match.IsMatch(path)).OrderByDescending(r => r.Pattern.Length).ThenByDescending(r => r.Allow).FirstOrDefault();
        return best.Pattern is null || best.Allow;
    }

    private static Regex ToRegex(string pattern)
    {
        var anchored = pattern.EndsWith('$');
        var body = Regex.Escape(anchored ? pattern[..^1] : pattern).Replace("\\*", ".*", StringComparison.Ordinal);
        return new Regex("^" + body + (anchored ? "$" : ""), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
