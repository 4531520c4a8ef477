using System.Management.Automation;
using PSNetTools.Grpc;

namespace PSNetTools.Commands.Grpc;

/// <summary>The gRPC stream sessions of this process that are not disconnected (so a lost $session can still be closed).</summary>
[Cmdlet(VerbsCommon.Get, "GrpcStream")]
[OutputType(typeof(GrpcStreamSession))]
public sealed class GetGrpcStreamCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public int[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var session in GrpcStreamSession.Active())
        {
            if (Id is null || Id.Contains(session.Id)) WriteObject(session);
        }
    }
}
