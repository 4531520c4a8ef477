using Google.Protobuf.Reflection;

namespace PSNetTools.Grpc.Descriptors;

/// <summary>Descriptors loaded up front from .proto files or a descriptor set: no reflection round trips.</summary>
internal sealed class FileDescriptorSource : IDescriptorSource
{
    private readonly DescriptorPool _pool;

    public FileDescriptorSource(IReadOnlyList<FileDescriptor> files, string description)
    {
        _pool = new DescriptorPool(files);
        Description = description;
    }

    public string Description { get; }

    public Task<ServiceDescriptor?> FindServiceAsync(string fullName, CancellationToken cancellationToken) =>
        Task.FromResult(_pool.FindService(fullName));

    public Task<IReadOnlyList<string>> ListServicesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. _pool.Services.Select(s => s.FullName).Order(StringComparer.Ordinal)]);

    public MessageDescriptor? FindMessage(string fullName) => _pool.FindMessage(fullName);
}
