using Google.Protobuf.Reflection;

namespace PSNetTools.Grpc;

/// <summary>One method of a gRPC service, as Get-GrpcService lists it and Invoke-GrpcMethod calls it.</summary>
public sealed record GrpcMethodInfo
{
    /// <summary>The full method name as calls take it: package.Service/Method.</summary>
    public required string Name { get; init; }

    public required string Service { get; init; }

    public required string Method { get; init; }

    /// <summary>Unary, ServerStreaming, ClientStreaming or BidiStreaming.</summary>
    public required string Kind { get; init; }

    public required string RequestType { get; init; }

    public required string ResponseType { get; init; }

    /// <summary>The request's fields, "name type" comma-separated: what a request body holds.</summary>
    public required string RequestFields { get; init; }

    public bool ClientStreaming { get; init; }

    public bool ServerStreaming { get; init; }

    /// <summary>The server address, or the descriptor files when listed offline.</summary>
    public required string Source { get; init; }

    internal MethodDescriptor Descriptor { get; init; } = null!;

    internal static GrpcMethodInfo From(MethodDescriptor method, string source) => new()
    {
        Name = $"{method.Service.FullName}/{method.Name}",
        Service = method.Service.FullName,
        Method = method.Name,
        Kind = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => "Unary",
            (false, true) => "ServerStreaming",
            (true, false) => "ClientStreaming",
            _ => "BidiStreaming",
        },
        RequestType = method.InputType.FullName,
        ResponseType = method.OutputType.FullName,
        RequestFields = string.Join(", ", method.InputType.Fields.InDeclarationOrder().Select(f => $"{f.Name} {Codec.ProtoEncoder.TypeLabel(f)}")),
        ClientStreaming = method.IsClientStreaming,
        ServerStreaming = method.IsServerStreaming,
        Source = source,
        Descriptor = method,
    };
}
