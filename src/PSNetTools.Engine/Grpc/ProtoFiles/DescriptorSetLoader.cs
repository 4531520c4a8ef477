using Google.Protobuf;
using Google.Protobuf.Reflection;
using PSNetTools.Grpc.Descriptors;

namespace PSNetTools.Grpc.ProtoFiles;

/// <summary>Reads a FileDescriptorSet written by protoc -o (descriptor_set_out), for users who have protoc and prefer it.</summary>
internal static class DescriptorSetLoader
{
    private const string HowToMake = "Produce one with: protoc --include_imports -o set.pb x.proto";

    /// <summary>Links the files of the set; imports it lacks must be well-known types.</summary>
    /// <exception cref="FormatException">The file is not a FileDescriptorSet, or its files do not link.</exception>
    public static IReadOnlyList<FileDescriptor> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = File.ReadAllBytes(path);
        FileDescriptorSet set;
        try
        {
            set = FileDescriptorSet.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new FormatException($"'{path}' is not a protobuf FileDescriptorSet ({ex.Message}). {HowToMake}", ex);
        }
        // Protobuf parsing is lenient (unknown fields are kept), so arbitrary bytes can parse: a real set names its files.
        if (set.File.Count == 0 || set.File.Any(f => string.IsNullOrEmpty(f.Name)))
            throw new FormatException($"'{path}' is not a protobuf FileDescriptorSet. {HowToMake}");
        return FileDescriptorBuilder.Build(set.File);
    }
}
