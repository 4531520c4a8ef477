using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Text;
using PSNetTools.Commands.Servers;
using PSNetTools.Http;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Http;

[Cmdlet(VerbsLifecycle.Start, "HttpServer", SupportsShouldProcess = true)]
[OutputType(typeof(RouteServer))]
public sealed class StartHttpServerCommand : HttpServerCommand
{
    private const string FunctionPrefix = "__PSNetToolsRoute";

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public Hashtable Route { get; set; } = [];

    [Parameter(Position = 1)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; } = 5000;

    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double TimeoutSec { get; set; } = 30;

    /// <summary>A request body larger than this is answered 413 (counted as it arrives, chunked or not).</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>Object levels of a handler's output serialized as JSON; deeper values are their ToString().</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public int JsonDepth { get; set; } = JsonOutput.DefaultDepth;

    /// <summary>Bytes a handler's answer may have; a larger one is a 500 that names this limit.</summary>
    [Parameter]
    [ValidateRange(1024, int.MaxValue)]
    public long MaxResponseBytes { get; set; } = JsonOutput.DefaultMaxBytes;

    protected override void EndProcessing()
    {
        if (!ShouldStart("an HTTP server", Port)) return;
        ServerCommands.EnsureNameIsFree(this, Name);
        var routes = new RouteTable();
        var handlers = new List<string>();
        foreach (DictionaryEntry entry in Route)
        {
            var key = entry.Key?.ToString() ?? "";
            var script = Handlers.ToScriptBlock(this, entry.Value, key, "route", "RouteNotScriptBlock", "@{ 'GET /' = { 'Hello, World!' } }");
            try
            {
                routes.Add(key);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "InvalidRoute", ErrorCategory.InvalidArgument, key));
            }
            // Each handler becomes a function of the pool's runspaces: parsed and compiled once per runspace, not per request.
            // Handlers without a param block still see $Request.
            var body = script.Ast is System.Management.Automation.Language.ScriptBlockAst { ParamBlock: not null } ? script.ToString() : "param($Request)\n" + script;
            handlers.Add(body);
        }

        // Handlers run in a pool of runspaces of their own (several requests at once), with this module loaded.
        var state = InitialSessionState.CreateDefault2();
        for (var i = 0; i < handlers.Count; i++) state.Commands.Add(new SessionStateFunctionEntry(FunctionPrefix + i, handlers[i]));
        var pool = ServerCommands.CreateHandlerPool(this, state, ThrottleLimit, JsonOutput.AddWarmUp);
        var options = new RouteServerOptions
        {
            Routes = routes,
            Address = Address,
            Port = Port,
            Name = Name,
            RequestTimeout = TimeSpan.FromSeconds(TimeoutSec),
            MaximumBodyBytes = MaxBodyBytes,
            Limits = Limits(),
            Dispatch = (index, request, ct) => InvokeAsync(pool, FunctionPrefix + index, request, new ResponseLimits(JsonDepth, MaxResponseBytes), ct),
        };
        RunAsync((sink, ct) => ServerCommands.StartAsync(() => RouteServer.StartAsync(options, ct), sink, Wait, ct, pool), Port);
    }

    private readonly record struct ResponseLimits(int JsonDepth, long MaxBytes);

    private static async Task<RouteResult> InvokeAsync(RunspacePool pool, string function, RouteRequest request, ResponseLimits limits, CancellationToken cancellationToken)
    {
        request.Body = JsonOutput.ToPowerShell(request.Body);
        var (raw, json) = await JsonOutput.InvokeAsync(pool, function, request, limits.JsonDepth, limits.MaxBytes, cancellationToken).ConfigureAwait(false);
        if (json is not null) return new RouteResult(json, "application/json; charset=utf-8");
        if (raw is null) return new RouteResult(null, "");
        if (raw is byte[] bytes)
        {
            if (bytes.Length > limits.MaxBytes) throw JsonOutput.TooLarge(limits.MaxBytes);
            return new RouteResult(bytes, "application/octet-stream");
        }
        var text = (string)raw;
        if (Encoding.UTF8.GetMaxByteCount(text.Length) > limits.MaxBytes && Encoding.UTF8.GetByteCount(text) > limits.MaxBytes) throw JsonOutput.TooLarge(limits.MaxBytes);
        return new RouteResult(Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8");
    }
}
