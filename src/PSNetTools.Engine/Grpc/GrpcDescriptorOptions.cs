namespace PSNetTools.Grpc;

/// <summary>Where descriptors come from when not from server reflection: .proto files, or a protoc descriptor set.</summary>
public sealed record GrpcDescriptorOptions
{
    public IReadOnlyList<string> ProtoFiles { get; init; } = [];

    public IReadOnlyList<string> ImportPaths { get; init; } = [];

    public string? DescriptorSet { get; init; }

    public bool UsesReflection => ProtoFiles.Count == 0 && string.IsNullOrEmpty(DescriptorSet);
}
