using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSNetTools.Servers;

namespace PSNetTools.Infrastructure;

/// <summary>Tab completion of -Id on Get-NetServer/Stop-NetServer from the servers running now, with their names as the tooltip.</summary>
public sealed class ServerIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = CompleterValues.Word(wordToComplete);
        foreach (var server in ServerRegistry.All)
        {
            var id = server.Id.ToString(CultureInfo.InvariantCulture);
            if (!id.StartsWith(prefix, StringComparison.Ordinal)) continue;
            yield return new CompletionResult(id, $"{id} {server.Name}", CompletionResultType.ParameterValue, $"{server.Name}: {server.Protocol} {server.Endpoint} ({server.State})");
        }
    }
}
