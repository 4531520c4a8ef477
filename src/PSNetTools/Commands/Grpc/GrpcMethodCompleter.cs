using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

/// <summary>
/// Tab completion of Invoke-GrpcMethod and Connect-GrpcStream -Method: from -ProtoFile/-DescriptorSet offline, else
/// from reflection at -Address. Connect-GrpcStream opens only client-streaming and bidi methods, so it lists only those.
/// </summary>
public sealed class GrpcMethodCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        ArgumentNullException.ThrowIfNull(fakeBoundParameters);
        var word = CompleterValues.Word(wordToComplete);
        var streamsOnly = string.Equals(commandName, "Connect-GrpcStream", StringComparison.OrdinalIgnoreCase);
        return GrpcCompletion.Methods(fakeBoundParameters)
            .Where(m => !streamsOnly || m.ClientStreaming)
            .Where(m => m.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase) || m.Method.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(m => new CompletionResult(m.Name, m.Name, CompletionResultType.ParameterValue, $"{m.Name} ({m.Kind}) {m.RequestType} -> {m.ResponseType}"))
            .ToList();
    }
}
