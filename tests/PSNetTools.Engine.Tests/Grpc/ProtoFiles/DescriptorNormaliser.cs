using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace PSNetTools.Engine.Tests.Grpc.ProtoFiles;

/// <summary>
/// What legitimately differs between the parser's descriptors and protoc's: the parser keeps only the options
/// listed in <see cref="Kept"/> (custom options, which protoc stores as extension fields, and built-in ones such as
/// optimize_for or idempotency_level are dropped). This clears every other option field, and options messages left
/// empty, on both sides. Nothing else is touched.
/// </summary>
internal static class DescriptorNormaliser
{
    public static readonly IReadOnlyDictionary<string, string[]> Kept = new Dictionary<string, string[]>
    {
        ["google.protobuf.FileOptions"] =
        [
            "java_package", "java_outer_classname", "java_multiple_files", "go_package", "csharp_namespace",
            "objc_class_prefix", "php_namespace", "ruby_package", "swift_prefix", "deprecated",
        ],
        ["google.protobuf.MessageOptions"] = ["deprecated", "map_entry"],
        ["google.protobuf.FieldOptions"] = ["packed", "deprecated"],
        ["google.protobuf.EnumOptions"] = ["allow_alias", "deprecated"],
        ["google.protobuf.EnumValueOptions"] = ["deprecated"],
        ["google.protobuf.ServiceOptions"] = ["deprecated"],
        ["google.protobuf.MethodOptions"] = ["deprecated"],
    };

    public static FileDescriptorProto Normalise(FileDescriptorProto file)
    {
        var copy = file.Clone();
        Walk(copy);
        return copy;
    }

    private static void Walk(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType != FieldType.Message) continue;
            if (field.Name == "options")
            {
                if (field.Accessor.GetValue(message) is IMessage options)
                {
                    var kept = KeptOnly(options);
                    if (kept.CalculateSize() == 0) field.Accessor.Clear(message);
                    else field.Accessor.SetValue(message, kept);
                }
            }
            else if (field.IsRepeated)
            {
                foreach (var item in (IList)field.Accessor.GetValue(message)) Walk((IMessage)item);
            }
            else if (field.Accessor.GetValue(message) is IMessage child)
            {
                Walk(child);
            }
        }
    }

    // A fresh message with the kept fields only: unknown fields (protoc's custom options) are left behind too.
    private static IMessage KeptOnly(IMessage options)
    {
        var kept = options.Descriptor.Parser.ParseFrom(ByteString.Empty);
        var names = Kept.TryGetValue(options.Descriptor.FullName, out var list) ? list : [];
        foreach (var name in names)
        {
            var field = options.Descriptor.FindFieldByName(name);
            if (field.Accessor.HasValue(options)) field.Accessor.SetValue(kept, field.Accessor.GetValue(options));
        }
        return kept;
    }
}
