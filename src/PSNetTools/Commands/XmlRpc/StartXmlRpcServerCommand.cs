using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Net;
using PSNetTools.Commands.Servers;
using PSNetTools.Servers;
using PSNetTools.XmlRpc;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.XmlRpc;

[Cmdlet(VerbsLifecycle.Start, "XmlRpcServer", SupportsShouldProcess = true)]
[OutputType(typeof(XmlRpcServer))]
public sealed class StartXmlRpcServerCommand : HttpServerCommand
{
    private const string FunctionPrefix = "__PSNetToolsXmlRpc";

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public Hashtable Method { get; set; } = [];

    [Parameter(Position = 1)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; } = 8000;

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidatePattern("^/")]
    public string[] Path { get; set; } = ["/RPC2", "/"];

    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double TimeoutSec { get; set; } = 30;

    /// <summary>A request body larger than this is answered with a fault (counted as it arrives, chunked or not).</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = Math.Max(4, Environment.ProcessorCount * 2);

    protected override void EndProcessing()
    {
        if (!ShouldStart("an XML-RPC server", Port)) return;
        ServerCommands.EnsureNameIsFree(this, Name);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        var functions = new Dictionary<string, (string Function, int? Arity)>(StringComparer.Ordinal);
        var state = InitialSessionState.CreateDefault2();
        foreach (DictionaryEntry entry in Method)
        {
            var name = entry.Key?.ToString() ?? "";
            if (name.Length == 0 || name.StartsWith("system.", StringComparison.Ordinal))
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{name}' must map to a scriptblock, and names starting with 'system.' are built in."),
                    "InvalidMethod", ErrorCategory.InvalidArgument, name));
                return;
            }
            var script = Handlers.ToScriptBlock(this, entry.Value, name, "method", "InvalidMethod", "@{ add = { param($x, $y) $x + $y } }");
            var parameters = (script.Ast as ScriptBlockAst)?.ParamBlock?.Parameters;
            var function = FunctionPrefix + functions.Count;
            functions[name] = (function, parameters?.Count);
            help[name] = $"{name}({string.Join(", ", parameters?.Select(p => p.Name.VariablePath.UserPath) ?? ["..."])})";
            // Compiled once per runspace of the pool, like Start-HttpServer's routes.
            state.Commands.Add(new SessionStateFunctionEntry(function, HandlerAnswer.LastExpressionAsIs(script)));
        }
        var pool = ServerCommands.CreateHandlerPool(this, state, ThrottleLimit);
        var options = new XmlRpcServerOptions
        {
            Methods = help,
            Address = Address,
            Port = Port,
            Paths = Path,
            Name = Name,
            CallTimeout = TimeSpan.FromSeconds(TimeoutSec),
            MaximumBodyBytes = MaxBodyBytes,
            Limits = Limits(),
            Dispatch = (method, args, ct) => InvokeAsync(pool, method, functions[method], args, ct),
        };
        RunAsync((sink, ct) => ServerCommands.StartAsync(() => XmlRpcServer.StartAsync(options, ct), sink, Wait, ct, pool), Port);
    }

    private static async Task<object?> InvokeAsync(RunspacePool pool, string method, (string Function, int? Arity) target, object?[] args, CancellationToken cancellationToken)
    {
        if (target.Arity is { } arity && arity != args.Length)
        {
            throw new XmlRpcFaultException(XmlRpcCodec.InvalidParams, $"{method} takes {arity} argument(s), got {args.Length}.");
        }
        List<PSObject> output;
        try
        {
            output = await ServerCommands.InvokeHandlerAsync(pool, target.Function, args.Select(XmlRpcValues.ToPowerShell), cancellationToken, keepNulls: true).ConfigureAwait(false);
        }
        catch (HandlerFailedException ex)
        {
            // A throw or an error record surfaces with the scriptblock's own message (throw '除数不能为零'), which is
            // the fault string, as in Python's SimpleXMLRPCServer; never a stack trace.
            throw new XmlRpcFaultException(1, ex.Message);
        }
        List<object?> items;
        try
        {
            items = output.Select(o => XmlRpcValues.ToEngine(o)).ToList();
        }
        catch (ArgumentException ex)
        {
            throw new HandlerLimitException($"{method}'s result cannot be sent: {ex.Message}", ex);
        }
        return items.Count switch { 0 => null, 1 => items[0], _ => items.ToArray() };
    }
}
