using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSNetTools.Net;

namespace PSNetTools.Infrastructure;

/// <summary>Tab completion of -Encoding with the names TextEncodings understands (any code page name also works).</summary>
public sealed class EncodingCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        return TextEncodings.CommonNames
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
