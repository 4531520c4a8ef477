using System.Management.Automation;

namespace PSNetTools.Infrastructure;

/// <summary>One -Path or -LiteralPath value: the file-system paths it stands for, or why it stands for none.</summary>
internal readonly record struct ResolvedPaths(string Input, IReadOnlyList<string> Paths, string? Problem);

/// <summary>
/// -Path with wildcards and -LiteralPath without, resolved the way Get-Content resolves them: PowerShell paths (drives,
/// ~, relative to the current location) become provider paths of the FileSystem provider, a wildcard that matches
/// nothing is a problem to report (not a silent no-op), and a wildcard never picks up directories.
/// </summary>
internal static class ProviderPaths
{
    public static IEnumerable<ResolvedPaths> Resolve(PSCmdlet cmdlet, IEnumerable<string> inputs, bool literal)
    {
        foreach (var input in inputs.Where(i => !string.IsNullOrWhiteSpace(i)))
        {
            yield return literal ? Literal(cmdlet, input) : Wildcard(cmdlet, input);
        }
    }

    // Existence is the caller's to check: it words its own not-found error, as before wildcards.
    private static ResolvedPaths Literal(PSCmdlet cmdlet, string input)
    {
        try
        {
            var path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(input, out var provider, out _);
            return provider.Name == "FileSystem"
                ? new ResolvedPaths(input, [path], null)
                : new ResolvedPaths(input, [], $"'{input}' is not a file-system path (provider {provider.Name}).");
        }
        catch (System.Management.Automation.DriveNotFoundException ex)
        {
            return new ResolvedPaths(input, [], ex.Message);
        }
    }

    private static ResolvedPaths Wildcard(PSCmdlet cmdlet, string input)
    {
        if (!WildcardPattern.ContainsWildcardCharacters(input)) return Literal(cmdlet, input);
        try
        {
            var matches = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(input, out var provider);
            if (provider.Name != "FileSystem") return new ResolvedPaths(input, [], $"'{input}' is not a file-system path (provider {provider.Name}).");
            var files = matches.Where(File.Exists).ToList();
            return files.Count > 0
                ? new ResolvedPaths(input, files, null)
                : new ResolvedPaths(input, [], $"'{input}' matches no file.");
        }
        catch (ItemNotFoundException)
        {
            return new ResolvedPaths(input, [], $"'{input}' matches no file.");
        }
        catch (System.Management.Automation.DriveNotFoundException ex)
        {
            return new ResolvedPaths(input, [], ex.Message);
        }
    }
}
