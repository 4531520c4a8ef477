using System.Management.Automation;
using PSNetTools.Servers;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Servers;

[Cmdlet(VerbsLifecycle.Stop, "NetServer", SupportsShouldProcess = true, DefaultParameterSetName = InputSet)]
[OutputType(typeof(NetServer))]
public sealed class StopNetServerCommand : AsyncCmdlet
{
    private const string InputSet = "InputObject";
    private const string NameSet = "Name";
    private const string IdSet = "Id";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputSet)]
    public NetServer[]? InputObject { get; set; }

    /// <summary>By property name too, so a deserialized server from a job or a remote session stops the one of that name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ServerIdCompleter))]
    public int[]? Id { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var servers = InputObject ?? ServerSelection.Select(this, ServerRegistry.All, Name, Id).ToArray();
        foreach (var server in servers)
        {
            if (!ShouldProcess($"{server.Name} ({server.Protocol} on {server.Endpoint})", "Stop server")) continue;
            // Stopping closes the listener before it returns, so the port can be bound again at once.
            RunAsync((_, _) => server.StopAsync(), server);
            if (PassThru) WriteObject(server);
        }
    }
}
