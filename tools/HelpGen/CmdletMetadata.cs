using System.Reflection;
using System.Runtime.InteropServices;

namespace HelpGen;

internal sealed record ParameterInfoRecord(
    string Name, string TypeName, bool IsSwitch, string[] Aliases,
    List<(string Set, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName)> Sets);

internal sealed record CmdletRecord(string Verb, string Noun, bool SupportsShouldProcess, string? DefaultSet, List<ParameterInfoRecord> Parameters, List<string> OutputTypes)
{
    public string Name => $"{Verb}-{Noun}";
}

/// <summary>Reads cmdlet metadata from the built assembly without loading it (so no PowerShell runtime is needed at build).</summary>
internal static class CmdletMetadata
{
    public const string AllSets = "__AllParameterSets";

    public static List<CmdletRecord> Read(string assemblyPath, IEnumerable<string> references)
    {
        var paths = new List<string>(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"));
        paths.AddRange(Directory.GetFiles(Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!, "*.dll"));
        paths.AddRange(references);
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths.Distinct(StringComparer.Ordinal)));
        var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
        var result = new List<CmdletRecord>();
        foreach (var type in assembly.GetTypes().Where(t => t.IsPublic && !t.IsAbstract))
        {
            var cmdlet = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute");
            if (cmdlet is null) continue;
            var shouldProcess = cmdlet.NamedArguments.Any(n => n.MemberName == "SupportsShouldProcess" && (bool)n.TypedValue.Value!);
            var defaultSet = cmdlet.NamedArguments.Where(n => n.MemberName == "DefaultParameterSetName").Select(n => (string?)n.TypedValue.Value).FirstOrDefault();
            var outputs = type.GetCustomAttributesData()
                .Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute")
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> list ? list.Select(x => x.Value) : [arg.Value])
                .Select(v => v is Type t ? t.FullName! : v?.ToString() ?? "")
                .Distinct().ToList();
            var parameters = new List<ParameterInfoRecord>();
            // Dynamic parameters (IDynamicParameters) are the [Parameter] properties of the class the cmdlet's
            // DynamicParametersAttribute names: the cmdlet is never run here, so GetDynamicParameters cannot be asked.
            var dynamicSources = type.GetCustomAttributesData()
                .Where(a => a.AttributeType.FullName == "PSNetTools.Infrastructure.DynamicParametersAttribute")
                .Select(a => (Type)a.ConstructorArguments[0].Value!);
            foreach (var prop in new[] { type }.Concat(dynamicSources).SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)))
            {
                var attrs = prop.GetCustomAttributesData();
                var sets = attrs.Where(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute").Select(a =>
                {
                    T Named<T>(string n, T fallback) => a.NamedArguments.Where(x => x.MemberName == n).Select(x => (T)x.TypedValue.Value!).DefaultIfEmpty(fallback).First();
                    var position = Named("Position", int.MinValue);
                    return (Named("ParameterSetName", AllSets), Named("Mandatory", false), position == int.MinValue ? (int?)null : position,
                        Named("ValueFromPipeline", false), Named("ValueFromPipelineByPropertyName", false));
                }).ToList();
                if (sets.Count == 0) continue;
                var aliases = attrs.Where(a => a.AttributeType.FullName == "System.Management.Automation.AliasAttribute")
                    .SelectMany(a => a.ConstructorArguments)
                    .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> list ? list.Select(x => (string)x.Value!) : [(string)arg.Value!])
                    .ToArray();
                var isSwitch = prop.PropertyType.FullName == "System.Management.Automation.SwitchParameter";
                parameters.Add(new ParameterInfoRecord(prop.Name, FriendlyName(prop.PropertyType), isSwitch, aliases, sets));
            }
            var args = cmdlet.ConstructorArguments;
            result.Add(new CmdletRecord((string)args[0].Value!, (string)args[1].Value!, shouldProcess, defaultSet, parameters, outputs));
        }
        return result;
    }

    private static string FriendlyName(Type t)
    {
        if (t.IsArray) return FriendlyName(t.GetElementType()!) + "[]";
        if (t.IsGenericType && t.GetGenericTypeDefinition().FullName == "System.Nullable`1") return FriendlyName(t.GetGenericArguments()[0]);
        return t.Name;
    }
}
