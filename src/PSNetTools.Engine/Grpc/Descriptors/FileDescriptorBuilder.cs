using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace PSNetTools.Engine.Grpc.Descriptors;

/// <summary>
/// Turns FileDescriptorProtos from any source (server reflection, a .proto parser, a protoc descriptor set) into
/// linked FileDescriptors. BuildFromByteStrings needs every dependency before its dependents and none missing, so
/// the files are ordered here and the well-known types a source left out are supplied from Google.Protobuf itself.
/// </summary>
internal static class FileDescriptorBuilder
{
    private static readonly Dictionary<string, FileDescriptor> WellKnown = new FileDescriptor[]
    {
        AnyReflection.Descriptor, ApiReflection.Descriptor, DurationReflection.Descriptor, EmptyReflection.Descriptor,
        FieldMaskReflection.Descriptor, SourceContextReflection.Descriptor, StructReflection.Descriptor,
        TimestampReflection.Descriptor, TypeReflection.Descriptor, WrappersReflection.Descriptor, DescriptorReflection.Descriptor,
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The well-known file with this import name (e.g. google/protobuf/timestamp.proto), or null.</summary>
    public static FileDescriptorProto? WellKnownFile(string name) =>
        WellKnown.TryGetValue(name, out var file) ? FileDescriptorProto.Parser.ParseFrom(file.SerializedData) : null;

    /// <summary>Links <paramref name="files"/> (any order; duplicates by name are ignored) into descriptors.</summary>
    /// <exception cref="FormatException">A dependency is neither among the files nor a well-known type, or the files do not link.</exception>
    public static IReadOnlyList<FileDescriptor> Build(IEnumerable<FileDescriptorProto> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var byName = new Dictionary<string, FileDescriptorProto>(StringComparer.Ordinal);
        foreach (var file in files) byName.TryAdd(file.Name, file);

        var ordered = new List<FileDescriptorProto>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: visiting, true: done
        foreach (var name in byName.Keys.ToList()) Visit(name, null);

        try
        {
            return FileDescriptor.BuildFromByteStrings(ordered.Select(f => f.ToByteString()));
        }
        catch (DescriptorValidationException ex)
        {
            throw new FormatException($"The protobuf descriptors do not link: {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"The protobuf descriptors do not link: {ex.Message}", ex);
        }

        void Visit(string name, string? importedBy)
        {
            if (state.TryGetValue(name, out var done))
            {
                if (!done) throw new FormatException($"Import cycle: '{importedBy}' and '{name}' import each other.");
                return;
            }
            if (!byName.TryGetValue(name, out var file))
            {
                file = WellKnownFile(name) ?? throw new FormatException(
                    $"'{importedBy}' imports '{name}', which was not found. Give its directory with -ImportPath, or include it in the descriptor set (protoc --include_imports).");
                byName[name] = file;
            }
            state[name] = false;
            foreach (var dependency in file.Dependency) Visit(dependency, name);
            state[name] = true;
            ordered.Add(file);
        }
    }
}
