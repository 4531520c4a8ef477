using System.Management.Automation;
using PSNetTools.Grpc;

namespace PSNetTools.Commands.Grpc;

/// <summary>The cmdlets that need descriptors: from server reflection (the default), -ProtoFile or -DescriptorSet.</summary>
public abstract class GrpcDescriptorCommandBase : GrpcCommandBase
{
    protected const string ReflectionSet = "Reflection";
    protected const string ProtoFileSet = "ProtoFile";
    protected const string DescriptorSetSet = "DescriptorSet";

    [Parameter(Mandatory = true, ParameterSetName = ProtoFileSet)]
    [Alias("Proto")]
    [ValidateNotNullOrEmpty]
    public string[] ProtoFile { get; set; } = [];

    [Parameter(ParameterSetName = ProtoFileSet)]
    [ValidateNotNullOrEmpty]
    public string[] ImportPath { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = DescriptorSetSet)]
    [Alias("ProtoSet")]
    [ValidateNotNullOrEmpty]
    public string DescriptorSet { get; set; } = "";

    /// <summary>-ProtoFile/-ImportPath/-DescriptorSet as full paths (relative to the current PowerShell location).</summary>
    protected GrpcDescriptorOptions DescriptorOptions() => new()
    {
        ProtoFiles = [.. ProtoFile.Select(GetUnresolvedProviderPathFromPSPath)],
        ImportPaths = [.. ImportPath.Select(GetUnresolvedProviderPathFromPSPath)],
        DescriptorSet = string.IsNullOrEmpty(DescriptorSet) ? null : GetUnresolvedProviderPathFromPSPath(DescriptorSet),
    };
}
