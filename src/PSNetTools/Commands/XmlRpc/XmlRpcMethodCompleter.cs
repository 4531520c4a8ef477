using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSNetTools.Infrastructure;
using PSNetTools.XmlRpc;

namespace PSNetTools.Commands.XmlRpc;

/// <summary>
/// Tab completion of Invoke-XmlRpc -Method from the server's own system.listMethods (the introspection Python's
/// SimpleXMLRPCServer, Start-XmlRpcServer and most servers offer), once -Uri is typed. A server without it, or one
/// that does not answer within the budget, completes nothing.
/// </summary>
public sealed class XmlRpcMethodCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        ArgumentNullException.ThrowIfNull(fakeBoundParameters);
        if (CompleterValues.Text(fakeBoundParameters, "Uri") is not { Length: > 0 } text || !Uri.TryCreate(text, UriKind.Absolute, out var uri)) return [];
        var word = CompleterValues.Word(wordToComplete);
        object? answer;
        try
        {
            using var budget = new CancellationTokenSource(CompleterValues.NetworkBudget);
            var options = new XmlRpcCallOptions { Timeout = CompleterValues.NetworkBudget };
            answer = Task.Run(() => XmlRpcClient.CallAsync(uri, "system.listMethods", [], options, budget.Token), budget.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not StackOverflowException)
        {
            // Faults, timeouts, refused connections, answers that are not XML-RPC: no completions, never an error at the prompt.
            return [];
        }
        return answer is IEnumerable names and not string
            ? names.Cast<object?>().Select(n => n?.ToString()).OfType<string>()
                .Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(n => new CompletionResult(CompleterValues.Quote(n), n, CompletionResultType.ParameterValue, n))
                .ToList()
            : [];
    }
}
