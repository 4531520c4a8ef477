using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Infrastructure;

/// <summary>Issue 12 item 8: TabExpansion2 completes what these parameters take instead of falling back to file names.</summary>
public sealed class ArgumentCompletionTests : IDisposable
{
    private const string Complete = """
        function Complete([string] $line) {
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
        }

        """;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void NetServer_Id_completes_from_the_running_servers()
    {
        var r = Ps.Run(Complete + """
            $a = Start-TcpEchoServer -Port 0 -Name 'id-completion'
            try {
                $ids = @(Complete 'Stop-NetServer -Id ')
                $ids -contains "$($a.Id)"
                @(Complete 'Get-NetServer -Id ') -contains "$($a.Id)"
                @($ids | Where-Object { $_ -like '*.*' -or $_ -like '*/*' }).Count
            } finally { $a | Stop-NetServer }
            """);
        r.AssertNoErrors();
        Assert.Equal([true, true, 0], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void XmlRpc_Method_completes_from_system_listMethods()
    {
        var r = Ps.Run(Complete + """
            $rpc = Start-XmlRpcServer -Port 0 -Method @{ 'math.add' = { param($a, $b) $a + $b }; 'math.sub' = { param($a, $b) $a - $b }; 'echo' = { $args } }
            try {
                (Complete "Invoke-XmlRpc -Uri http://127.0.0.1:$($rpc.Port)/RPC2 -Method math.") -join ','
                (Complete "Invoke-XmlRpc http://127.0.0.1:$($rpc.Port)/RPC2 sys") -join ','
            } finally { $rpc | Stop-NetServer }
            """);
        r.AssertNoErrors();
        Assert.Equal(["math.add,math.sub", "system.listMethods,system.methodHelp,system.methodSignature,system.multicall"], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Grpc_Method_completes_offline_from_ProtoFile_relative_to_the_current_location()
    {
        File.Copy(GrpcPeers.GreeterProto, Path.Combine(_dir.Path, "greeter.proto"));
        var r = Ps.Run(Complete + $"""
            $null = $ExecutionContext.SessionState.Path.SetLocation('{_dir.Path}')
            (Complete 'Invoke-GrpcMethod -ProtoFile ./greeter.proto -Method demo.v1.Greeter/') -join ','
            (Complete 'Get-GrpcService -ProtoFile ./greeter.proto -Service demo') -join ','
            """);
        r.AssertNoErrors();
        var methods = r.Output[0].ToString()!.Split(',');
        Assert.Contains("demo.v1.Greeter/SayHello", methods);
        Assert.All(methods, m => Assert.StartsWith("demo.v1.Greeter/", m, StringComparison.Ordinal));
        Assert.Equal("demo.v1.Greeter", r.Output[1].ToString());
    }

    [Fact]
    public void Grpc_Method_and_Service_complete_from_an_h2c_server_without_Plaintext_typed()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        var r = Ps.Run(Complete + $"""
            (Complete 'Invoke-GrpcMethod {address} -Method demo.v1.Greeter/Say') -join ','
            (Complete 'Invoke-GrpcMethod {address} -Plaintext -Method demo.v1.Greeter/Say') -join ','
            @(Complete 'Get-GrpcService {address} -Service demo.') -contains 'demo.v1.Greeter'
            @(Complete 'Test-GrpcHealth {address} -Plaintext -Service demo.') -contains 'demo.v1.Greeter'
            """);
        r.AssertNoErrors();
        Assert.Contains("demo.v1.Greeter/SayHello", r.Output[0].ToString()!.Split(','));
        Assert.Equal(r.Output[0].ToString(), r.Output[1].ToString());
        Assert.Equal([true, true], r.Output.Skip(2).Select(o => o.BaseObject));
    }
}
