using Google.Protobuf.Reflection;

namespace PSNetTools.Grpc.Descriptors;

/// <summary>Linked descriptors indexed by full name: what the codec and the method lookup search.</summary>
internal sealed class DescriptorPool
{
    private readonly Dictionary<string, MessageDescriptor> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceDescriptor> _services = new(StringComparer.Ordinal);

    public DescriptorPool(IEnumerable<FileDescriptor> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files)
        {
            foreach (var service in file.Services) _services.TryAdd(service.FullName, service);
            foreach (var message in file.MessageTypes) AddMessage(message);
        }
    }

    public static DescriptorPool Empty { get; } = new([]);

    public IEnumerable<ServiceDescriptor> Services => _services.Values;

    public ServiceDescriptor? FindService(string fullName) => _services.GetValueOrDefault(fullName);

    public MessageDescriptor? FindMessage(string fullName) => _messages.GetValueOrDefault(fullName.TrimStart('.'));

    private void AddMessage(MessageDescriptor message)
    {
        _messages.TryAdd(message.FullName, message);
        foreach (var nested in message.NestedTypes) AddMessage(nested);
    }
}
