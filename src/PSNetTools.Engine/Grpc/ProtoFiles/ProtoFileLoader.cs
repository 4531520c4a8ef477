using Google.Protobuf.Reflection;
using PSNetTools.Grpc.Descriptors;

namespace PSNetTools.Grpc.ProtoFiles;

/// <summary>
/// Loads .proto files and their imports the way protoc does: imports are found under the import paths in order and
/// named by their path relative to the import path (a file's name is part of the descriptors, so it must match the
/// name other files import it by). google/protobuf imports not on disk come from Google.Protobuf.
/// </summary>
internal static class ProtoFileLoader
{
    private static readonly StringComparison PathComparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>
    /// Parses, resolves and links <paramref name="protoFiles"/> and everything they import. The first file's
    /// directory is searched after <paramref name="importPaths"/>. The result holds the imports too, dependencies first.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file or import is in none of the import paths.</exception>
    /// <exception cref="ProtoParseException">A syntax error, an unknown type name or an import cycle.</exception>
    /// <exception cref="FormatException">The files do not link.</exception>
    public static IReadOnlyList<FileDescriptor> Load(IEnumerable<string> protoFiles, IEnumerable<string> importPaths) =>
        FileDescriptorBuilder.Build(LoadProtos(protoFiles, importPaths));

    /// <summary>The resolved FileDescriptorProtos of the files read from disk, dependencies first, before linking.</summary>
    public static IReadOnlyList<FileDescriptorProto> LoadProtos(IEnumerable<string> protoFiles, IEnumerable<string> importPaths)
    {
        ArgumentNullException.ThrowIfNull(protoFiles);
        ArgumentNullException.ThrowIfNull(importPaths);
        var files = protoFiles.ToList();
        if (files.Count == 0) throw new ArgumentException("No .proto file was given.", nameof(protoFiles));
        var paths = importPaths.Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))).ToList();
        if (File.Exists(files[0]))
        {
            var implicitPath = Path.TrimEndingDirectorySeparator(Path.GetDirectoryName(Path.GetFullPath(files[0]))!);
            if (!paths.Any(p => string.Equals(p, implicitPath, PathComparison))) paths.Add(implicitPath);
        }

        var loader = new Session(paths);
        foreach (var file in files)
        {
            var (name, fullPath) = loader.NameGivenFile(file);
            loader.Load(name, fullPath);
        }
        loader.ResolveAll();
        return loader.Parsed.Select(p => p.Proto).ToList();
    }

    private sealed class Session(List<string> paths)
    {
        private readonly Dictionary<string, ParsedProtoFile> _byName = new(StringComparer.Ordinal);
        private readonly Dictionary<string, FileDescriptorProto> _wellKnown = new(StringComparer.Ordinal);
        private readonly List<string> _loading = [];

        public List<ParsedProtoFile> Parsed { get; } = [];

        public (string Name, string FullPath) NameGivenFile(string file)
        {
            if (File.Exists(file))
            {
                var fullPath = Path.GetFullPath(file);
                foreach (var path in paths)
                {
                    var prefix = path + Path.DirectorySeparatorChar;
                    if (fullPath.StartsWith(prefix, PathComparison)) return (fullPath[prefix.Length..].Replace('\\', '/'), fullPath);
                }
                throw new ProtoImportNotFoundException($"'{file}' is in none of the import paths ({string.Join(", ", paths)}).", file);
            }
            var name = file.Replace('\\', '/');
            return (name, Find(name) ?? throw new FileNotFoundException($"'{file}' was not found, neither as a path nor in the import paths: {string.Join(", ", paths)}.", file));
        }

        private string? Find(string name) =>
            paths.Select(p => Path.Combine(p, name)).FirstOrDefault(File.Exists);

        public void Load(string name, string fullPath)
        {
            if (_byName.ContainsKey(name)) return;
            var parsed = ProtoParser.ParseUnresolved(File.ReadAllText(fullPath), name);
            _loading.Add(name);
            foreach (var import in parsed.Imports)
            {
                if (_loading.Contains(import.Name))
                {
                    var cycle = string.Join(" -> ", _loading.Skip(_loading.IndexOf(import.Name)).Append(import.Name));
                    throw new ProtoParseException(name, import.Line, import.Column, $"File recursively imports itself: {cycle}");
                }
                if (_byName.ContainsKey(import.Name) || _wellKnown.ContainsKey(import.Name)) continue;
                var importPath = Find(import.Name);
                if (importPath is not null) Load(import.Name, importPath);
                else if (FileDescriptorBuilder.WellKnownFile(import.Name) is { } wellKnown) _wellKnown[import.Name] = wellKnown;
                else
                {
                    throw new ProtoImportNotFoundException(
                        $"{name}:{import.Line}:{import.Column}: Import \"{import.Name}\" was not found in the import paths: {string.Join(", ", paths)}.",
                        import.Name);
                }
            }
            _loading.RemoveAt(_loading.Count - 1);
            _byName[name] = parsed;
            Parsed.Add(parsed);
        }

        public void ResolveAll()
        {
            foreach (var parsed in Parsed) ProtoTypeResolver.Resolve(parsed, Visible(parsed.Proto));
        }

        // Like protoc: a file sees what it imports, plus whatever those files import publicly, transitively.
        private List<FileDescriptorProto> Visible(FileDescriptorProto file)
        {
            var visible = new List<FileDescriptorProto>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>(file.Dependency);
            while (pending.Count > 0)
            {
                var name = pending.Pop();
                if (!seen.Add(name)) continue;
                var dependency = _byName.TryGetValue(name, out var parsed) ? parsed.Proto : _wellKnown[name];
                visible.Add(dependency);
                foreach (var index in dependency.PublicDependency) pending.Push(dependency.Dependency[index]);
            }
            return visible;
        }
    }
}
