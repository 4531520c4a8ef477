using System.Management.Automation;
using PSNetTools.Servers;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Servers;

[Cmdlet(VerbsCommon.Get, "NetServer", DefaultParameterSetName = NameSet)]
[OutputType(typeof(NetServer))]
public sealed class GetNetServerCommand : PSCmdlet
{
    private const string NameSet = "Name";
    private const string IdSet = "Id";

    [Parameter(Position = 0, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ServerIdCompleter))]
    public int[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var server in ServerSelection.Select(this, ServerRegistry.All, Name, Id))
        {
            WriteObject(server);
        }
    }
}
