using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace PSNetTools.Infrastructure;

/// <summary>
/// Wires the private load context when PowerShell imports the module (the pattern of the PowerShell docs page
/// "Resolving PowerShell module assembly dependency conflicts"): the default context is asked for
/// PSNetTools.Engine only because PSNetTools.dll references it, and we answer from the private context.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string EngineName = "PSNetTools.Engine";

    private static readonly string DependencyDirectory = Path.Combine(
        Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "dependencies");

    private static readonly ModuleLoadContext Context = new(DependencyDirectory);

    private static readonly object Gate = new();
    private static int _imports;

    // Each runspace that imports the module (ForEach-Object -Parallel, runspace pools) calls OnImport; the hook is
    // process-wide, so it is added once and removed when the last of them removes the module.
    public void OnImport()
    {
        lock (Gate)
        {
            if (_imports++ == 0) AssemblyLoadContext.Default.Resolving += ResolveEngine;
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (_imports > 0 && --_imports == 0) AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        }
    }

    // Only the engine's exact name is served, so requests from other modules never receive our copies.
    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, EngineName, StringComparison.Ordinal) ? Context.LoadFromAssemblyName(name) : null;
}
