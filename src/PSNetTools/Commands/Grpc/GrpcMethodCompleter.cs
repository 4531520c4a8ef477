using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSNetTools.Grpc;

namespace PSNetTools.Commands.Grpc;

/// <summary>
/// Tab completion of -Method from the server itself: with -Address (and -Plaintext) already typed, asks reflection
/// for the methods. Gives up after three seconds, so a dead address never freezes the prompt.
/// </summary>
public sealed class GrpcMethodCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        ArgumentNullException.ThrowIfNull(fakeBoundParameters);
        if (fakeBoundParameters["Address"] is not { } addressValue) return [];
        var address = (addressValue is PSObject ps ? ps.BaseObject : addressValue).ToString() ?? "";
        var word = (wordToComplete ?? "").Trim('\'', '"');
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var methods = Task.Run(async () =>
            {
                using var client = GrpcClient.Open(new GrpcConnectionOptions
                {
                    Address = address,
                    Plaintext = IsSet(fakeBoundParameters["Plaintext"]),
                    SkipCertificateCheck = IsSet(fakeBoundParameters["SkipCertificateCheck"]),
                    ConnectTimeout = TimeSpan.FromSeconds(2),
                });
                var names = new List<GrpcMethodInfo>();
                await foreach (var m in client.ListMethodsAsync(null, timeout.Token).ConfigureAwait(false)) names.Add(m);
                return names;
            }, timeout.Token).GetAwaiter().GetResult();
            return methods
                .Where(m => m.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase) || m.Method.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                .Select(m => new CompletionResult(m.Name, m.Name, CompletionResultType.ParameterValue, $"{m.Name} ({m.Kind}) {m.RequestType} -> {m.ResponseType}"))
                .ToList();
        }
        catch (Exception ex) when (ex is GrpcCallException or OperationCanceledException or ArgumentException or FormatException)
        {
            return [];
        }
    }

    private static bool IsSet(object? value) => value switch
    {
        SwitchParameter s => s.IsPresent,
        bool b => b,
        PSObject ps => IsSet(ps.BaseObject),
        _ => false,
    };
}
