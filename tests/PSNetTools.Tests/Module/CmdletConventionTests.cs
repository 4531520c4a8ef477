using System.Management.Automation;
using System.Reflection;
using System.Xml.Linq;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Module;

/// <summary>Conventions checked over every exported cmdlet, so a new cmdlet cannot skip them.</summary>
public class CmdletConventionTests
{
    public static TheoryData<string> Cmdlets => ModuleAssembly.CmdletNames();

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Help_has_synopsis_description_examples_and_every_parameter(string name)
    {
        var r = Ps.Run($$"""
            $h = Get-Help {{name}} -Full
            $h.Synopsis
            ($h.description | ForEach-Object { $_.Text }) -join ' '
            @($h.examples.example).Count
            (Get-Command {{name}}).Parameters.Keys.Where({ $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.Cmdlet]::OptionalCommonParameters }) -join ','
            ($h.parameters.parameter | ForEach-Object { if ("$($_.description.Text)".Trim()) { $_.name } }) -join ','
            """);
        r.AssertNoErrors();
        var o = r.Output.Select(x => x?.ToString() ?? "").ToList();
        Assert.False(string.IsNullOrWhiteSpace(o[0]), "empty synopsis");
        Assert.DoesNotContain(name, o[0].Split(' ')[0]); // PowerShell puts the syntax in Synopsis when no help is found
        Assert.False(string.IsNullOrWhiteSpace(o[1]), "empty description");
        Assert.True(int.Parse(o[2], System.Globalization.CultureInfo.InvariantCulture) >= 2, "fewer than two examples");
        var parameters = o[3].Split(',', StringSplitOptions.RemoveEmptyEntries);
        var described = o[4].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(parameters, p => Assert.True(described.Contains(p), $"-{p} has no description in Get-Help -Full"));
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Declares_output_type_and_uses_an_approved_verb(string name)
    {
        var type = ModuleAssembly.Cmdlets().Single(t => ModuleAssembly.CmdletName(t) == name);
        Assert.NotEmpty(type.GetCustomAttributes(typeof(OutputTypeAttribute), false));
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsCommunications), typeof(VerbsData), typeof(VerbsDiagnostic), typeof(VerbsLifecycle), typeof(VerbsSecurity), typeof(VerbsOther) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)).Select(f => (string)f.GetValue(null)!).ToHashSet();
        Assert.Contains(name.Split('-')[0], approved);
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Every_output_type_has_a_format_view(string name)
    {
        var type = ModuleAssembly.Cmdlets().Single(t => ModuleAssembly.CmdletName(t) == name);
        var viewed = Directory.GetFiles(Path.Combine(Ps.RepoRoot, "out", "PSNetTools", "formats"), "*.ps1xml")
            .SelectMany(f => XDocument.Load(f).Descendants("TypeName")).Select(e => e.Value.Trim()).ToHashSet();
        foreach (var output in type.GetCustomAttributes(typeof(OutputTypeAttribute), false).Cast<OutputTypeAttribute>().SelectMany(a => a.Type))
        {
            // PSCustomObjects (table rows) and arbitrary values (an XML-RPC result) are formatted by what they are.
            if (output.Type is null || output.Type == typeof(bool) || output.Type.IsPrimitive || output.Type == typeof(string) || output.Type == typeof(PSObject) || output.Type == typeof(object)) continue;
            var chain = new List<string>();
            for (var t = output.Type; t is not null; t = t.BaseType) chain.Add(t.FullName!);
            Assert.True(chain.Any(viewed.Contains), $"{name} outputs {output.Type.FullName}, which no view in module/formats covers");
        }
    }

    // Issue 11 point 5: users meet these names in -is checks, format files, CSV #TYPE lines and remoting's
    // Deserialized.* names, so they carry the area, not the assembly that happens to hold the code.
    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Output_types_are_named_PSNetTools_Area_without_Engine(string name)
    {
        var type = ModuleAssembly.Cmdlets().Single(t => ModuleAssembly.CmdletName(t) == name);
        var areas = ModuleAssembly.Cmdlets().Select(t => t.Namespace!.Split('.').Last()).ToHashSet();
        foreach (var output in type.GetCustomAttributes(typeof(OutputTypeAttribute), false).Cast<OutputTypeAttribute>().SelectMany(a => a.Type))
        {
            if (output.Type is null || !output.Type.FullName!.StartsWith("PSNetTools", StringComparison.Ordinal)) continue;
            Assert.DoesNotContain("Engine", output.Type.FullName, StringComparison.Ordinal);
            var parts = output.Type.FullName.Split('.');
            Assert.True(parts.Length == 3 && areas.Contains(parts[1]), $"{name} outputs {output.Type.FullName}: expected PSNetTools.<Area>.<Type> with one of the cmdlet areas ({string.Join(", ", areas.Order())})");
        }
    }

    [Fact]
    public void Format_views_name_types_that_exist()
    {
        // The engine sits in the module's private load context: reach it through the types the cmdlets declare.
        var assemblies = ModuleAssembly.Cmdlets().SelectMany(t => t.GetCustomAttributes(typeof(OutputTypeAttribute), false).Cast<OutputTypeAttribute>())
            .SelectMany(a => a.Type).Select(t => t.Type?.Assembly).OfType<Assembly>().Where(a => a.GetName().Name!.StartsWith("PSNetTools", StringComparison.Ordinal)).Distinct().ToList();
        var known = assemblies.SelectMany(a => a.GetExportedTypes()).Select(t => t.FullName!).ToHashSet();
        var named = Directory.GetFiles(Path.Combine(Ps.RepoRoot, "out", "PSNetTools", "formats"), "*.ps1xml")
            .SelectMany(f => XDocument.Load(f).Descendants("TypeName")).Select(e => e.Value.Trim()).Where(n => n.StartsWith("PSNetTools", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(named);
        Assert.All(named, n => Assert.True(known.Contains(n), $"a view names {n}, which is no public type of the module"));
        Assert.All(named, n => Assert.DoesNotContain(".Engine.", n, StringComparison.Ordinal));
    }
}
