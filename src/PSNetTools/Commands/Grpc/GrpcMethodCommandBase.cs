using System.Management.Automation;

namespace PSNetTools.Commands.Grpc;

/// <summary>The cmdlets that call one method of a server: Invoke-GrpcMethod and Connect-GrpcStream.</summary>
public abstract class GrpcMethodCommandBase : GrpcDescriptorCommandBase
{
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("ComputerName", "Target")]
    [ValidateNotNullOrEmpty]
    public string Address { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(GrpcMethodCompleter))]
    [ValidateNotNullOrEmpty]
    public string Method { get; set; } = "";
}
