using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Grpc;

/// <summary>
/// Another module's Google.Protobuf (3.30.2, downloaded by the test project) already loaded in the default context
/// must not break Invoke-GrpcMethod, whose own 3.36.2 stays in the module's private load context.
/// </summary>
public sealed class GrpcIsolationTests
{
    private static string OtherProtobuf() => DownloadedPackage.File("Google.Protobuf", "3.30.2", Path.Combine("lib", "net5.0", "Google.Protobuf.dll"));

    [Fact]
    public void Grpc_calls_work_with_a_different_Google_Protobuf_already_in_the_default_context()
    {
        var other = OtherProtobuf();
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var (code, stdout, stderr) = FreshProcess.Run($$"""
                $null = [System.Reflection.Assembly]::LoadFrom('{{other}}')
                Import-Module $ModuleManifestPath
                'reply ' + (Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Echo -Body @{ created_at = [datetime]::UtcNow; string_value = 'isolated' } -Plaintext).stringValue
                [System.Runtime.Loader.AssemblyLoadContext]::All | ForEach-Object {
                    $ctx = $_.Name
                    $_.Assemblies | Where-Object { $_.GetName().Name -eq 'Google.Protobuf' } | ForEach-Object { "protobuf|$ctx|$($_.GetName().Version)|$($_.Location)" }
                }
                """);
            Assert.True(code == 0, stdout + stderr);
            var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains("reply isolated", lines);
            var protobufs = lines.Where(l => l.StartsWith("protobuf|", StringComparison.Ordinal)).ToList();
            Assert.Contains(protobufs, l => l.StartsWith("protobuf|Default|", StringComparison.Ordinal) && l.EndsWith(other, StringComparison.Ordinal));
            Assert.Contains(protobufs, l => l.StartsWith("protobuf|PSNetTools|", StringComparison.Ordinal) && l.Contains("dependencies", StringComparison.Ordinal));
        }
    }
}
