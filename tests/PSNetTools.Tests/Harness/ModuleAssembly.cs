using System.Management.Automation;

namespace PSNetTools.Tests.Harness;

/// <summary>The cmdlet types of the built module, as PowerShell loaded them.</summary>
public static class ModuleAssembly
{
    private static readonly Lazy<Type[]> Types = new(() =>
    {
        var r = Ps.Run("(Get-Command Get-NetServer).ImplementingType.Assembly.GetExportedTypes()");
        r.AssertNoErrors();
        return [.. r.Output.Select(o => (Type)o.BaseObject)];
    });

    public static IEnumerable<Type> Cmdlets() =>
        Types.Value.Where(t => !t.IsAbstract && t.GetCustomAttributes(typeof(CmdletAttribute), false).Length > 0);

    public static string CmdletName(Type t)
    {
        var a = (CmdletAttribute)t.GetCustomAttributes(typeof(CmdletAttribute), false)[0];
        return $"{a.VerbName}-{a.NounName}";
    }

    public static TheoryData<string> CmdletNames()
    {
        var data = new TheoryData<string>();
        foreach (var t in Cmdlets()) data.Add(CmdletName(t));
        return data;
    }
}
