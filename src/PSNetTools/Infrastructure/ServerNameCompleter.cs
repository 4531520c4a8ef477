using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSNetTools.Servers;

namespace PSNetTools.Infrastructure;

/// <summary>Tab completion of -Name on Get-NetServer/Stop-NetServer from the servers running now.</summary>
public sealed class ServerNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        foreach (var server in ServerRegistry.All.Where(s => s.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            var text = server.Name.Contains(' ', StringComparison.Ordinal) ? $"'{server.Name}'" : server.Name;
            yield return new CompletionResult(text, server.Name, CompletionResultType.ParameterValue, $"{server.Protocol} {server.Endpoint} ({server.State})");
        }
    }
}
