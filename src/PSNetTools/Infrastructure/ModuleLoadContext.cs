using System.Reflection;
using System.Runtime.Loader;

namespace PSNetTools.Infrastructure;

/// <summary>
/// The private load context that holds the engine and every third-party assembly from dependencies/.
/// Another module's MailKit or Google.Protobuf in the default context cannot clash with ours, nor ours with theirs.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public ModuleLoadContext(string directory)
        : base("PSNetTools", isCollectible: false)
    {
        _directory = directory;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_directory, assemblyName.Name + ".dll");
        // Anything not shipped in dependencies/ (the framework, PowerShell itself) is shared with the default context.
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = Path.Combine(_directory, unmanagedDllName);
        return File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
