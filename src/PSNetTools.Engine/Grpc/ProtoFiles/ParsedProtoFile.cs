using Google.Protobuf.Reflection;

namespace PSNetTools.Grpc.ProtoFiles;

internal enum TypeReferenceKind
{
    FieldType,
    Extendee,
    MethodInput,
    MethodOutput,
}

/// <summary>
/// A type name as written, to be resolved once the imported files are known. <see cref="Scope"/> is the full name
/// (without the package) of the symbol the name is relative to, as protoc's lookup starts from it.
/// </summary>
internal sealed record TypeReference(TypeReferenceKind Kind, string Name, string Scope, int Line, int Column, FieldDescriptorProto? Field, MethodDescriptorProto? Method);

internal sealed record ProtoImport(string Name, int Line, int Column);

/// <summary>A parsed file whose type names are not resolved yet, with what the resolver and loader need.</summary>
internal sealed record ParsedProtoFile(FileDescriptorProto Proto, IReadOnlyList<TypeReference> References, IReadOnlyList<ProtoImport> Imports);
