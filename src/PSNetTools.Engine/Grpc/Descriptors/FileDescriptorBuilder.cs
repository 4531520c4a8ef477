using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace PSNetTools.Grpc.Descriptors;

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

    /// <summary>
    /// Some reflection servers regroup files by package under made-up names (grpc-js serves "test_v1.proto" and one
    /// "google_protobuf.proto") and send them with no imports listed. Their google.protobuf copies are swapped for the
    /// real well-known files, and each file is given as imports the files that define the types it uses.
    /// </summary>
    private static void RepairImports(Dictionary<string, FileDescriptorProto> byName)
    {
        foreach (var file in byName.Values.Where(f => f.Package == "google.protobuf" && !WellKnown.ContainsKey(f.Name)).ToList())
        {
            var replacements = DeclaredTypes(file).Select(t => WellKnownFileOf(t)).ToList();
            if (replacements.Any(r => r is null)) continue;
            byName.Remove(file.Name);
            foreach (var name in replacements.Distinct()) byName.TryAdd(name!, WellKnownFile(name!)!);
            // Files that imported the copy import the real well-known files instead (added below, by the types used).
            foreach (var other in byName.Values) other.Dependency.Remove(file.Name);
        }

        var definedIn = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in byName.Values)
        {
            foreach (var type in DeclaredTypes(file)) definedIn.TryAdd(type, file.Name);
        }
        foreach (var file in byName.Values)
        {
            foreach (var type in UsedTypes(file))
            {
                var owner = definedIn.GetValueOrDefault(type) ?? WellKnownFileOf(type);
                if (owner is not null && owner != file.Name && !file.Dependency.Contains(owner)) file.Dependency.Add(owner);
            }
        }
    }

    private static string? WellKnownFileOf(string typeName) =>
        WellKnown.Values.FirstOrDefault(f => f.MessageTypes.Any(m => m.FullName == typeName) || f.EnumTypes.Any(e => e.FullName == typeName))?.Name;

    private static IEnumerable<string> DeclaredTypes(FileDescriptorProto file)
    {
        var prefix = string.IsNullOrEmpty(file.Package) ? "" : file.Package + ".";
        foreach (var e in file.EnumType) yield return prefix + e.Name;
        foreach (var m in file.MessageType)
        {
            foreach (var name in Nested(m, prefix)) yield return name;
        }

        static IEnumerable<string> Nested(DescriptorProto message, string prefix)
        {
            var name = prefix + message.Name;
            yield return name;
            foreach (var e in message.EnumType) yield return $"{name}.{e.Name}";
            foreach (var nested in message.NestedType)
            {
                foreach (var n in Nested(nested, name + ".")) yield return n;
            }
        }
    }

    private static IEnumerable<string> UsedTypes(FileDescriptorProto file)
    {
        var names = file.Service.SelectMany(s => s.Method).SelectMany(m => new[] { m.InputType, m.OutputType })
            .Concat(file.Extension.SelectMany(f => new[] { f.TypeName, f.Extendee }))
            .Concat(file.MessageType.SelectMany(FieldTypes));
        return names.Where(n => n.StartsWith('.')).Select(n => n[1..]).Distinct(StringComparer.Ordinal);

        static IEnumerable<string> FieldTypes(DescriptorProto message) =>
            message.Field.Concat(message.Extension).SelectMany(f => new[] { f.TypeName, f.Extendee })
                .Concat(message.NestedType.SelectMany(FieldTypes));
    }

    /// <summary>Links <paramref name="files"/> (any order; duplicates by name are ignored) into descriptors.</summary>
    /// <exception cref="FormatException">A dependency is neither among the files nor a well-known type, or the files do not link.</exception>
    public static IReadOnlyList<FileDescriptor> Build(IEnumerable<FileDescriptorProto> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var byName = new Dictionary<string, FileDescriptorProto>(StringComparer.Ordinal);
        foreach (var file in files) byName.TryAdd(file.Name, file.Clone());
        RepairImports(byName);

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
                file = WellKnownFile(name) ?? throw new ProtoFiles.ProtoImportNotFoundException(
                    $"'{importedBy}' imports '{name}', which is in none of the files given (a descriptor set needs protoc --include_imports).", name);
                byName[name] = file;
            }
            state[name] = false;
            foreach (var dependency in file.Dependency) Visit(dependency, name);
            state[name] = true;
            ordered.Add(file);
        }
    }
}
