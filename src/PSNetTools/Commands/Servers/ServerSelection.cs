using System.Management.Automation;
using PSNetTools.Servers;

namespace PSNetTools.Commands.Servers;

/// <summary>Picks servers by -Name (wildcards) or -Id, and reports names and ids that match nothing, as Get-Process does.</summary>
internal static class ServerSelection
{
    public static IEnumerable<NetServer> Select(PSCmdlet cmdlet, IReadOnlyList<NetServer> servers, string[]? names, int[]? ids)
    {
        if (ids is not null)
        {
            foreach (var id in ids)
            {
                var found = servers.FirstOrDefault(s => s.Id == id);
                if (found is null) cmdlet.WriteError(NotFound($"No server with Id {id} is running; Get-NetServer lists the running ones.", id));
                else yield return found;
            }
            yield break;
        }
        if (names is null)
        {
            foreach (var s in servers) yield return s;
            yield break;
        }
        var seen = new HashSet<int>();
        foreach (var name in names)
        {
            var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            var matched = servers.Where(s => pattern.IsMatch(s.Name)).ToList();
            if (matched.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                cmdlet.WriteError(NotFound($"No server named '{name}' is running; Get-NetServer lists the running ones.", name));
            }
            foreach (var s in matched.Where(s => seen.Add(s.Id))) yield return s;
        }
    }

    private static ErrorRecord NotFound(string message, object target) =>
        new(new ItemNotFoundException(message), "ServerNotFound", ErrorCategory.ObjectNotFound, target);
}
