using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Module;

/// <summary>Users fan out with ForEach-Object -Parallel and remoting: the module must work in many runspaces at once.</summary>
public class ParallelRunspaceTests
{
    [Fact]
    public void Module_works_inside_ForEach_Object_Parallel_and_servers_are_shared_by_the_process()
    {
        var r = Ps.Run("""
            $servers = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
                Import-Module $using:ModuleManifestPath
                Start-TcpEchoServer -Name "parallel-$_"
            }
            try {
                $servers.Count
                @(Get-NetServer -Name 'parallel-*').Count
                Remove-Module PSNetTools
                Import-Module $ModuleManifestPath
                @(Get-NetServer -Name 'parallel-*').Count
            } finally {
                Get-NetServer -Name 'parallel-*' | Stop-NetServer
            }
            @(Get-NetServer -Name 'parallel-*').Count
            """);
        r.AssertNoErrors();
        Assert.Equal(["4", "4", "4", "0"], r.Output.Select(o => o.ToString()));
    }
}
