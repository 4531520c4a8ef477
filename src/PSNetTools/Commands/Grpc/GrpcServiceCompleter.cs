using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

/// <summary>Tab completion of -Service (Get-GrpcService, Test-GrpcHealth): the services the server or the files declare.</summary>
public sealed class GrpcServiceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        ArgumentNullException.ThrowIfNull(fakeBoundParameters);
        var word = CompleterValues.Word(wordToComplete);
        return GrpcCompletion.Methods(fakeBoundParameters)
            .GroupBy(m => m.Service, StringComparer.Ordinal)
            .Where(g => g.Key.StartsWith(word, StringComparison.OrdinalIgnoreCase) || g.Key[(g.Key.LastIndexOf('.') + 1)..].StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(g => new CompletionResult(g.Key, g.Key, CompletionResultType.ParameterValue, $"{g.Key}: {g.Count()} method(s)"))
            .ToList();
    }
}
