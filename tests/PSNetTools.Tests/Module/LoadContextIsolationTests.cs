using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Module;

public class LoadContextIsolationTests
{
    private const string ListAssemblies = """
        [System.Runtime.Loader.AssemblyLoadContext]::All | ForEach-Object {
            $ctx = $_.Name
            $_.Assemblies | ForEach-Object { "$ctx|$($_.GetName().Name)" }
        }
        """;

    [Fact]
    public void Engine_loads_into_the_private_context_and_no_heavy_dependency_loads_on_import()
    {
        var (code, stdout, stderr) = FreshProcess.Run($"""
            Import-Module $ModuleManifestPath
            'after-import'
            {ListAssemblies}
            Get-NetServer | Out-Null
            'after-command'
            {ListAssemblies}
            """);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var split = Array.IndexOf(lines, "after-command");
        var afterImport = lines[..split];
        var afterCommand = lines[split..];

        string[] heavy = ["MailKit", "MimeKit", "AngleSharp", "Grpc.Net.Client", "Grpc.Core.Api", "Google.Protobuf"];
        Assert.DoesNotContain(afterImport, l => heavy.Any(h => l.EndsWith("|" + h, StringComparison.Ordinal)));
        Assert.DoesNotContain(afterCommand, l => heavy.Any(h => l.EndsWith("|" + h, StringComparison.Ordinal)));

        // The cmdlet assembly is PowerShell's to load; the engine is ours, in the "PSNetTools" context.
        Assert.Contains("PSNetTools|PSNetTools.Engine", afterCommand);
        Assert.DoesNotContain(afterCommand, l => l.EndsWith("|PSNetTools.Engine", StringComparison.Ordinal) && !l.StartsWith("PSNetTools|", StringComparison.Ordinal));
    }

    [Fact]
    public void Engine_is_never_loaded_into_the_default_context_even_after_cmdlets_run()
    {
        // Were the engine found by the default context (e.g. copied next to PSNetTools.dll), isolation would be silently lost.
        var (code, stdout, stderr) = FreshProcess.Run("""
            Import-Module $ModuleManifestPath
            $srv = Start-TcpEchoServer -Port 0
            [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies.Where({ $_.GetName().Name -eq 'PSNetTools.Engine' }).Count
            $srv | Stop-NetServer
            'ok'
            """);
        Assert.True(code == 0, stderr);
        Assert.Contains("0", stdout.Split('\n', StringSplitOptions.TrimEntries));
        Assert.Contains("ok", stdout.Split('\n', StringSplitOptions.TrimEntries));
    }
}
