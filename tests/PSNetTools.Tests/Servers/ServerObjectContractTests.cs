using System.Reflection;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Servers;

/// <summary>Issue 12 items 1, 6, 8 and 9 for the server objects every Start-*Server returns.</summary>
public sealed class ServerObjectContractTests
{
    private static readonly Type[] Scalars = [typeof(string), typeof(int), typeof(long), typeof(bool), typeof(DateTime), typeof(double)];

    [Fact]
    public void Every_property_of_every_server_is_a_scalar_so_exports_stay_flat()
    {
        // Export-Csv, Select-Object * and ConvertTo-Json write every public property: a Task or a record there became
        // "System.Threading.Tasks.Task" columns and a serialized Task.
        var engine = Assembly.LoadFrom(Path.Combine(Path.GetDirectoryName(Ps.ModuleManifest)!, "dependencies", "PSNetTools.Engine.dll"));
        var baseType = engine.GetType("PSNetTools.Servers.NetServer")!;
        var servers = engine.GetTypes().Where(t => t.IsSubclassOf(baseType) && !t.IsAbstract).ToList();
        Assert.True(servers.Count >= 6);
        foreach (var server in servers)
        {
            foreach (var property in server.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                Assert.True(Scalars.Contains(type) || type.IsEnum, $"{server.Name}.{property.Name} is a {type.Name}");
            }
        }
    }

    [Fact]
    public void Servers_on_ipv6_loopback_start_and_count_what_they_receive()
    {
        var r = Ps.Run("""
            $files = Start-HttpFileServer -Address ::1 -Port 0 -Path ([IO.Path]::GetTempPath())
            $routes = Start-HttpServer -Address ::1 -Port 0 -Route @{ 'GET /' = { 'v6' } }
            $client = [Net.Http.HttpClient]::new()
            $client.GetStringAsync($routes.Endpoint).GetAwaiter().GetResult()
            $null = $client.GetAsync($files.Endpoint).GetAwaiter().GetResult()
            $files.Endpoint -like 'http://`[::1`]:*/'
            $files.BytesReceived -gt 0 -and $routes.BytesReceived -gt 0
            $files, $routes | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.Equal(["v6", true, true], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Stop_NetServer_takes_ids_and_objects_with_a_name_from_the_pipeline()
    {
        var r = Ps.Run("""
            $a = Start-TcpEchoServer -Port 0
            $b = Start-TcpEchoServer -Port 0 -Name "contract-$PID"
            $a.Id | Stop-NetServer
            [pscustomobject]@{ Name = $b.Name } | Stop-NetServer
            $a.State, $b.State
            """);
        r.AssertNoErrors();
        Assert.Equal(["Stopped", "Stopped"], r.Output.Select(o => o.BaseObject.ToString()));
    }

    [Fact]
    public void A_server_on_every_interface_has_an_endpoint_that_a_local_client_can_use()
    {
        var r = Ps.Run("""
            $s = Start-HttpServer -Address 0.0.0.0 -Port 0 -Route @{ 'GET /' = { 'any' } }
            try { $s.Endpoint; [Net.Http.HttpClient]::new().GetStringAsync($s.Endpoint).GetAwaiter().GetResult() } finally { $s | Stop-NetServer }
            """);
        r.AssertNoErrors();
        Assert.StartsWith("http://127.0.0.1:", (string)r.Output[0].BaseObject, StringComparison.Ordinal);
        Assert.Equal("any", r.Output[1].BaseObject);
    }
}
