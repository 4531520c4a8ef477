using Google.Protobuf.Reflection;
using Type = Google.Protobuf.Reflection.FieldDescriptorProto.Types.Type;

namespace PSNetTools.Grpc.ProtoFiles;

/// <summary>
/// Second pass: turns type names as written into fully qualified ones with protoc's scoping (innermost scope
/// outward; a dotted name binds by its first component), and sets field types to message or enum.
/// </summary>
internal static class ProtoTypeResolver
{
    private enum SymbolKind
    {
        Package,
        Message,
        Enum,
        Service,
        Other,
    }

    /// <param name="visibleFiles">The files whose declarations the file can see: its imports and their public imports.</param>
    /// <exception cref="ProtoParseException">A name that is not defined, or not of the kind its use needs.</exception>
    public static void Resolve(ParsedProtoFile parsed, IEnumerable<FileDescriptorProto> visibleFiles)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var symbols = new Dictionary<string, SymbolKind>(StringComparer.Ordinal);
        AddFile(symbols, parsed.Proto);
        foreach (var file in visibleFiles) AddFile(symbols, file);

        var file0 = parsed.Proto;
        foreach (var reference in parsed.References)
        {
            var relativeTo = string.IsNullOrEmpty(file0.Package) ? reference.Scope : file0.Package + "." + reference.Scope;
            var (fullName, kind, tried) = Lookup(symbols, reference.Name, relativeTo);
            if (kind is null)
            {
                var what = tried is null
                    ? $"\"{reference.Name}\" is not defined."
                    : $"\"{reference.Name}\" is resolved to \"{tried}\", which is not defined. The innermost scope is searched first in name resolution; a leading '.' (\".{reference.Name}\") starts from the outermost scope.";
                throw new ProtoParseException(file0.Name, reference.Line, reference.Column, what);
            }
            Apply(reference, "." + fullName, kind.Value, file0.Name);
        }
    }

    private static void Apply(TypeReference reference, string fullName, SymbolKind kind, string fileName)
    {
        if (reference.Kind == TypeReferenceKind.FieldType)
        {
            reference.Field!.Type = kind switch
            {
                SymbolKind.Message => Type.Message,
                SymbolKind.Enum => Type.Enum,
                _ => throw new ProtoParseException(fileName, reference.Line, reference.Column, $"\"{reference.Name}\" is not a type."),
            };
            reference.Field.TypeName = fullName;
            return;
        }
        if (kind != SymbolKind.Message)
            throw new ProtoParseException(fileName, reference.Line, reference.Column, $"\"{reference.Name}\" is not a message type.");
        switch (reference.Kind)
        {
            case TypeReferenceKind.Extendee: reference.Field!.Extendee = fullName; break;
            case TypeReferenceKind.MethodInput: reference.Method!.InputType = fullName; break;
            default: reference.Method!.OutputType = fullName; break;
        }
    }

    /// <returns>The full name and kind found; or a null kind, with the full name tried when the first component bound to a scope lacking the rest.</returns>
    private static (string FullName, SymbolKind? Kind, string? Tried) Lookup(Dictionary<string, SymbolKind> symbols, string name, string relativeTo)
    {
        if (name.StartsWith('.')) return Find(symbols, name[1..]);
        var firstDot = name.IndexOf('.', StringComparison.Ordinal);
        var firstPart = firstDot < 0 ? name : name[..firstDot];
        var scope = relativeTo;
        while (true)
        {
            var dot = scope.LastIndexOf('.');
            if (dot < 0) return Find(symbols, name);
            scope = scope[..dot];
            if (!symbols.TryGetValue(scope + "." + firstPart, out var found)) continue;
            if (firstDot >= 0)
            {
                // A dotted name is bound by its first component: once that names a scope, the rest must be inside it.
                if (found is SymbolKind.Package or SymbolKind.Message or SymbolKind.Enum or SymbolKind.Service)
                {
                    var full = scope + "." + name;
                    var result = Find(symbols, full);
                    return result.Kind is null ? (full, null, full) : result;
                }
            }
            else if (found is SymbolKind.Message or SymbolKind.Enum)
            {
                return (scope + "." + name, found, null);
            }
        }
    }

    private static (string FullName, SymbolKind? Kind, string? Tried) Find(Dictionary<string, SymbolKind> symbols, string fullName) =>
        symbols.TryGetValue(fullName, out var kind) ? (fullName, kind, null) : (fullName, null, null);

    private static void AddFile(Dictionary<string, SymbolKind> symbols, FileDescriptorProto file)
    {
        var package = file.Package ?? "";
        if (package.Length > 0)
        {
            var parts = package.Split('.');
            for (var i = 1; i <= parts.Length; i++) symbols.TryAdd(string.Join('.', parts[..i]), SymbolKind.Package);
        }
        foreach (var message in file.MessageType) AddMessage(symbols, package, message);
        foreach (var enumType in file.EnumType) AddEnum(symbols, package, enumType);
        foreach (var extension in file.Extension) symbols.TryAdd(Qualify(package, extension.Name), SymbolKind.Other);
        foreach (var service in file.Service)
        {
            var serviceName = Qualify(package, service.Name);
            symbols.TryAdd(serviceName, SymbolKind.Service);
            foreach (var method in service.Method) symbols.TryAdd(serviceName + "." + method.Name, SymbolKind.Other);
        }
    }

    private static void AddMessage(Dictionary<string, SymbolKind> symbols, string scope, DescriptorProto message)
    {
        var name = Qualify(scope, message.Name);
        symbols.TryAdd(name, SymbolKind.Message);
        foreach (var field in message.Field.Concat(message.Extension)) symbols.TryAdd(name + "." + field.Name, SymbolKind.Other);
        foreach (var oneof in message.OneofDecl) symbols.TryAdd(name + "." + oneof.Name, SymbolKind.Other);
        foreach (var nested in message.NestedType) AddMessage(symbols, name, nested);
        foreach (var enumType in message.EnumType) AddEnum(symbols, name, enumType);
    }

    private static void AddEnum(Dictionary<string, SymbolKind> symbols, string scope, EnumDescriptorProto enumType)
    {
        symbols.TryAdd(Qualify(scope, enumType.Name), SymbolKind.Enum);
        // Enum values are siblings of their enum, as in C++.
        foreach (var value in enumType.Value) symbols.TryAdd(Qualify(scope, value.Name), SymbolKind.Other);
    }

    private static string Qualify(string scope, string name) => scope.Length == 0 ? name : scope + "." + name;
}
