using System.Management.Automation;
using System.Reflection;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Module;

public class ModuleManifestTests
{
    [Fact]
    public void TestModuleManifest_passes_and_declares_gallery_metadata()
    {
        var r = Ps.Run("Test-ModuleManifest -Path $ModuleManifestPath");
        r.AssertNoErrors();
        var info = (PSModuleInfo)r.One().BaseObject;
        Assert.Equal("PSNetTools.dll", Path.GetFileName(info.RootModule));
        Assert.Contains("Core", info.CompatiblePSEditions);
        Assert.Equal(new Version(7, 4), info.PowerShellVersion);
        Assert.False(string.IsNullOrWhiteSpace(info.Description));
        Assert.NotEmpty(info.Tags);
        Assert.NotNull(info.ProjectUri);
        Assert.NotNull(info.LicenseUri);
        Assert.False(string.IsNullOrWhiteSpace(info.ReleaseNotes));
        Assert.True(File.Exists(Path.Combine(Ps.RepoRoot, "out", "PSNetTools", "LICENSE")));
    }

    [Fact]
    public void Manifest_exports_exactly_the_cmdlets_the_assembly_defines()
    {
        var r = Ps.Run("(Test-ModuleManifest -Path $ModuleManifestPath).ExportedCmdlets.Keys");
        r.AssertNoErrors();
        var listed = r.Output.Select(o => o.BaseObject.ToString()!).Order().ToList();
        var defined = ModuleAssembly.Cmdlets().Select(t => ModuleAssembly.CmdletName(t)).Order().ToList();
        Assert.Equal(defined, listed);
    }

    [Fact]
    public void Module_version_is_one_source_for_manifest_and_assemblies()
    {
        var r = Ps.Run("(Get-Module PSNetTools).Version.ToString(); (Get-Command Get-NetServer).ImplementingType.Assembly.GetName().Version.ToString()");
        r.AssertNoErrors();
        var manifest = Version.Parse(r.Output[0].ToString());
        var cmdlets = Version.Parse(r.Output[1].ToString());
        Assert.Equal(manifest, new Version(cmdlets.Major, cmdlets.Minor, cmdlets.Build));
        var engine = AssemblyName.GetAssemblyName(Path.Combine(Ps.RepoRoot, "out", "PSNetTools", "dependencies", "PSNetTools.Engine.dll")).Version!;
        Assert.Equal(manifest, new Version(engine.Major, engine.Minor, engine.Build));
    }

    [Fact]
    public void About_topic_is_shipped_and_found_by_GetHelp()
    {
        var r = Ps.Run("(Get-Help about_PSNetTools).ToString()");
        r.AssertNoErrors();
        var text = string.Join("\n", r.Output.Select(o => o.ToString()));
        Assert.Contains("about_PSNetTools", text, StringComparison.Ordinal);
        Assert.Contains("Find-OpenPort", text, StringComparison.Ordinal);
    }
}
