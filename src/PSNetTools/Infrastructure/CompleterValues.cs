using System.Collections;
using System.Management.Automation;

namespace PSNetTools.Infrastructure;

/// <summary>Reading what a completer finds in fakeBoundParameters: values typed so far, as text or switches.</summary>
internal static class CompleterValues
{
    /// <summary>How long a completer that asks a server may take: a dead address must not freeze the prompt.</summary>
    public static readonly TimeSpan NetworkBudget = TimeSpan.FromSeconds(3);

    public static string? Text(IDictionary bound, string name) => Unwrap(bound[name]) switch
    {
        null => null,
        object[] many => many.Length > 0 ? Unwrap(many[0])?.ToString() : null,
        var one => one.ToString(),
    };

    public static string[] Texts(IDictionary bound, string name) => Unwrap(bound[name]) switch
    {
        null => [],
        IEnumerable many and not string => [.. many.Cast<object?>().Select(Unwrap).Where(v => v is not null).Select(v => v!.ToString()!)],
        var one => [one.ToString()!],
    };

    public static bool IsSet(IDictionary bound, string name) => Unwrap(bound[name]) switch
    {
        SwitchParameter s => s.IsPresent,
        bool b => b,
        _ => false,
    };

    /// <summary>The word typed so far, without the quote the user may have opened.</summary>
    public static string Word(string? wordToComplete) => (wordToComplete ?? "").Trim('\'', '"');

    /// <summary>Quotes a completion that would not survive as a bare word.</summary>
    public static string Quote(string text) =>
        text.Length == 0 || text.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ';' or '(' or ')' or '{' or '}' or ',' or '@' or '#')
            ? $"'{text.Replace("'", "''", StringComparison.Ordinal)}'"
            : text;

    /// <summary>
    /// A PowerShell path typed in the command line (relative to the current location, ~, drives) as a file-system
    /// path. Completers have no cmdlet's SessionState, so this asks the runspace they run in.
    /// </summary>
    public static string? ProviderPath(string path)
    {
        try
        {
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            ps.AddScript("param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)").AddArgument(path);
            return ps.Invoke().FirstOrDefault()?.BaseObject as string;
        }
        catch (Exception ex) when (ex is RuntimeException or InvalidOperationException or PSInvalidOperationException)
        {
            return null;
        }
    }

    private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;
}
