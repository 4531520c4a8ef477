using System.Globalization;
using System.Management.Automation;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Module;

/// <summary>
/// Remoting, jobs and ForEach-Object -Parallel hand objects across as PSSerializer XML. Every cmdlet's real output
/// must keep its scalar properties through that round trip.
/// </summary>
public class SerializationTests
{
    /// <summary>A script that produces each cmdlet's output against loopback; a new cmdlet must add its line.</summary>
    private static readonly Dictionary<string, string> Samples = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Start-TcpEchoServer"] = "$s = Start-TcpEchoServer; $s; $s | Stop-NetServer",
        ["Get-NetServer"] = "$s = Start-TcpEchoServer; Get-NetServer -Id $s.Id; $s | Stop-NetServer",
        ["Stop-NetServer"] = "Start-TcpEchoServer | Stop-NetServer -PassThru",
        ["Find-OpenPort"] = "$s = Start-TcpEchoServer; Find-OpenPort 127.0.0.1 -Port $s.Port; $s | Stop-NetServer",
        ["Get-TlsCertificate"] = "$s = Start-TcpEchoServer -CertificatePath $CertDir/leaf.pfx -CertificatePassword ([System.Net.NetworkCredential]::new('', 'test').SecurePassword); Get-TlsCertificate 127.0.0.1 -Port $s.Port; $s | Stop-NetServer",
        ["Test-Ping"] = "Test-Ping 127.0.0.1, ::1 -Count 2 -IntervalSec 0.1",
        ["Start-HttpFileServer"] = "$s = Start-HttpFileServer -Path $CertDir -Port 0; $s; $s | Stop-NetServer",
        ["Test-HttpEndpoint"] = "$s = Start-HttpFileServer -Path $CertDir -Port 0; Test-HttpEndpoint ($s.Endpoint + 'ca.crt'); Test-HttpEndpoint ($s.Endpoint + 'ca.crt') -Count 3; $s | Stop-NetServer",
        ["Start-HttpServer"] = "$s = Start-HttpServer -Port 0 -Route @{ 'GET /' = { 'hi' } }; $s; $s | Stop-NetServer",
        ["Invoke-Scrape"] = "'<html><head><title>t</title></head><body><a href=\"/x\">x</a><p class=\"c\">p</p></body></html>' | Invoke-Scrape -BaseUri 'http://127.0.0.1/'; '<p class=\"c\">p</p>' | Invoke-Scrape -Selector p",
        ["Invoke-Crawl"] = "$d = [IO.Directory]::CreateDirectory([IO.Path]::Combine([IO.Path]::GetTempPath(), [guid]::NewGuid())).FullName; [IO.File]::WriteAllText(\"$d/index.html\", '<title>i</title><a href=\"b.html\">b</a>'); [IO.File]::WriteAllText(\"$d/b.html\", '<title>b</title>'); $s = Start-HttpFileServer -Path $d -Port 0; Invoke-Crawl $s.Endpoint -Depth 1; $s | Stop-NetServer",
        ["Start-XmlRpcServer"] = "$s = Start-XmlRpcServer -Port 0 -Method @{ add = { param($x, $y) $x + $y } }; $s; $s | Stop-NetServer",
        ["Invoke-XmlRpc"] = "$s = Start-XmlRpcServer -Port 0 -Method @{ info = { [pscustomobject]@{ name = 'x'; count = 3; ok = $true } } }; Invoke-XmlRpc \"http://127.0.0.1:$($s.Port)/RPC2\" -Method info; $s | Stop-NetServer",
        ["Start-UdpEchoServer"] = "$s = Start-UdpEchoServer; $s; $s | Stop-NetServer",
        ["Test-TcpEcho"] = "$s = Start-TcpEchoServer; Test-TcpEcho 127.0.0.1 -Port $s.Port -Count 2; $s | Stop-NetServer",
        ["Test-UdpEcho"] = "$s = Start-UdpEchoServer; Test-UdpEcho 127.0.0.1 -Port $s.Port -Count 2; $s | Stop-NetServer",
        ["Send-TcpMessage"] = "$s = Start-TcpEchoServer; Send-TcpMessage 127.0.0.1 -Port $s.Port -Message 'hi'; $s | Stop-NetServer",
        ["Start-WebSocketEchoServer"] = "$s = Start-WebSocketEchoServer; $s; $s | Stop-NetServer",
        ["Send-WebSocketMessage"] = "$s = Start-WebSocketEchoServer; 'a', 'b' | Send-WebSocketMessage $s.Endpoint; $s | Stop-NetServer",
        ["Connect-WebSocket"] = "$s = Start-WebSocketEchoServer; $c = Connect-WebSocket $s.Endpoint; $c; Disconnect-WebSocket $c; $s | Stop-NetServer",
        ["Receive-WebSocketMessage"] = "$s = Start-WebSocketEchoServer; $c = Connect-WebSocket $s.Endpoint; Send-WebSocketMessage -Session $c -Message 'x' -NoResponse > $null; Receive-WebSocketMessage $c -Count 1; Disconnect-WebSocket $c; $s | Stop-NetServer",
        ["Disconnect-WebSocket"] = "$s = Start-WebSocketEchoServer; Connect-WebSocket $s.Endpoint | Disconnect-WebSocket -PassThru; $s | Stop-NetServer",
        ["Get-GrpcService"] = "$p = [PSNetTools.Testing.GrpcPeers]::NodeGrpc($false, 'selfsigned'); try { Get-GrpcService $p.Item2 demo.v1.Greeter -Plaintext } finally { $p.Item1.Dispose() }",
        ["Invoke-GrpcMethod"] = "$p = [PSNetTools.Testing.GrpcPeers]::NodeGrpc($false, 'selfsigned'); try { Invoke-GrpcMethod $p.Item2 test.v1.KitchenSink/Echo -Body @{ int32_value = 5; string_value = 'x'; bool_value = $true; created_at = [datetime]::UtcNow } -Plaintext } finally { $p.Item1.Dispose() }",
        ["Test-GrpcHealth"] = "$p = [PSNetTools.Testing.GrpcPeers]::NodeGrpc($false, 'selfsigned'); try { Test-GrpcHealth $p.Item2 -Plaintext } finally { $p.Item1.Dispose() }",
        ["Connect-GrpcStream"] = "$p = [PSNetTools.Testing.GrpcInteropPeer]::new(); try { $c = Connect-GrpcStream $p.Address grpc.testing.TestService/FullDuplexCall -Plaintext; $c; Disconnect-GrpcStream $c } finally { $p.Dispose() }",
        ["Get-GrpcStream"] = "$p = [PSNetTools.Testing.GrpcInteropPeer]::new(); try { $c = Connect-GrpcStream $p.Address grpc.testing.TestService/FullDuplexCall -Plaintext; Get-GrpcStream -Id $c.Id; Disconnect-GrpcStream $c } finally { $p.Dispose() }",
        ["Send-GrpcMessage"] = "$p = [PSNetTools.Testing.GrpcInteropPeer]::new(); try { $c = Connect-GrpcStream $p.Address grpc.testing.TestService/FullDuplexCall -Plaintext; Send-GrpcMessage $c @{ response_parameters = @(@{ size = 1 }) } -Complete -PassThru; Disconnect-GrpcStream $c } finally { $p.Dispose() }",
        // grpc-js's EchoStream (server streaming) declared as bidi in a copy of its .proto: one request and a half-close
        // look the same on the wire, and AllTypes replies have the scalars this test needs (interop replies hold only a payload).
        ["Receive-GrpcMessage"] = "$p = [PSNetTools.Testing.GrpcPeers]::NodeGrpc($false, 'selfsigned'); try { $f = [IO.Path]::Combine([IO.Path]::GetTempPath(), [guid]::NewGuid().ToString() + '.proto'); [IO.File]::WriteAllText($f, [IO.File]::ReadAllText([PSNetTools.Testing.GrpcPeers]::KitchenSinkProto).Replace('rpc EchoStream (AllTypes)', 'rpc EchoStream (stream AllTypes)')); $c = Connect-GrpcStream $p.Item2 test.v1.KitchenSink/EchoStream -ProtoFile $f -Plaintext; Send-GrpcMessage $c @{ int32_value = 5; string_value = 'x'; bool_value = $true } -Complete; Receive-GrpcMessage $c -Count 1 -TimeoutSec 10; Disconnect-GrpcStream $c } finally { $p.Item1.Dispose() }",
        ["Disconnect-GrpcStream"] = "$p = [PSNetTools.Testing.GrpcInteropPeer]::new(); try { Connect-GrpcStream $p.Address grpc.testing.TestService/FullDuplexCall -Plaintext | Disconnect-GrpcStream -PassThru } finally { $p.Dispose() }",
        ["Send-UdpMessage"] = "$s = Start-UdpEchoServer; Send-UdpMessage 127.0.0.1 -Port $s.Port -Message 'hi'; $s | Stop-NetServer",
        ["Send-Mail"] = "$p = [PSNetTools.Testing.Mail.MailPeers]::Shared; Send-Mail 127.0.0.1 -Port $p.SmtpPlainPort -Security None -From a@example.com -To b@example.com -Subject s -Body b -PassThru",
        ["Get-ImapMessage"] = "$p = [PSNetTools.Testing.Mail.MailPeers]::Shared; $p.Deliver(\"Subject: ser\r\n\r\nx\r\n\"); $c = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'secret').SecurePassword); Get-ImapMessage 127.0.0.1 -Port $p.ImapsPort -Security SslOnConnect -SkipCertificateCheck -Credential $c -Last 1 -IncludeBody",
        ["Get-ImapFolder"] = "$p = [PSNetTools.Testing.Mail.MailPeers]::Shared; $c = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'secret').SecurePassword); Get-ImapFolder 127.0.0.1 -Port $p.ImapsPort -Security SslOnConnect -SkipCertificateCheck -Credential $c",
        ["Get-Pop3Message"] = "$p = [PSNetTools.Testing.Mail.MailPeers]::Shared; $p.Deliver(\"Subject: ser\r\n\r\nx\r\n\"); $c = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'secret').SecurePassword); Get-Pop3Message 127.0.0.1 -Port $p.Pop3sPort -Security SslOnConnect -SkipCertificateCheck -Credential $c -Last 1",
    };

    public static TheoryData<string> Cmdlets => ModuleAssembly.CmdletNames();

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Output_keeps_its_scalar_properties_through_a_PSSerializer_round_trip(string name)
    {
        Assert.True(Samples.TryGetValue(name, out var sample), $"{name} has no sample in {nameof(SerializationTests)}.{nameof(Samples)}: add a script that produces its output.");
        var r = Ps.Run($$"""
            $original = @({{sample}})
            foreach ($o in $original) {
                $o
                [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($o, 2))
            }
            """, variables: new Dictionary<string, object?> { ["CertDir"] = PSNetTools.Testing.TestCertificates.Directory });
        r.AssertNoErrors();
        Assert.NotEmpty(r.Output);
        Assert.True(r.Output.Count % 2 == 0);
        for (var i = 0; i < r.Output.Count; i += 2)
        {
            var original = r.Output[i];
            var copy = r.Output[i + 1];
            Assert.Contains("Deserialized." + original.BaseObject.GetType().FullName, copy.TypeNames);
            var scalars = 0;
            foreach (var p in original.Properties.Where(p => p.IsGettable))
            {
                var value = Unwrap(SafeGet(p));
                if (!IsScalar(value)) continue;
                scalars++;
                var raw = copy.Properties[p.Name]?.Value;
                Assert.True(raw is not null || value is null, $"{name}: {p.Name} was lost in serialization");
                // An enum comes back as its number with the name kept as the object's ToString.
                var restored = value is Enum ? raw?.ToString() : Unwrap(raw);
                Assert.Equal(Text(value), Text(restored));
            }
            Assert.True(scalars >= 3, $"{name}: fewer than three scalar properties on {original.BaseObject.GetType().FullName}");
        }
    }

    private static object? SafeGet(PSPropertyInfo p)
    {
        try
        {
            return p.Value;
        }
        catch (GetValueException ex)
        {
            Assert.Fail($"property {p.Name} throws when read: {ex.Message}");
            return null;
        }
    }

    private static object? Unwrap(object? v) => v is PSObject ps ? ps.BaseObject : v;

    private static bool IsScalar(object? v) =>
        v is null or string or bool or char or DateTime or DateTimeOffset or TimeSpan or Guid or decimal or Enum
        || (v.GetType().IsPrimitive);

    private static string Text(object? v) => v switch
    {
        null => "",
        DateTime d => d.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
