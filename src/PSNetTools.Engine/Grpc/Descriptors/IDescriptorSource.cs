using Google.Protobuf.Reflection;

namespace PSNetTools.Grpc.Descriptors;

/// <summary>Where a call's descriptors come from: server reflection, .proto files or a protoc descriptor set.</summary>
internal interface IDescriptorSource
{
    /// <summary>The service, or null when the source does not know it.</summary>
    Task<ServiceDescriptor?> FindServiceAsync(string fullName, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> ListServicesAsync(CancellationToken cancellationToken);

    /// <summary>A message type among the descriptors loaded so far (for google.protobuf.Any contents).</summary>
    MessageDescriptor? FindMessage(string fullName);

    /// <summary>Where the descriptors come from, for messages: "server reflection", "calculator.proto".</summary>
    string Description { get; }
}
