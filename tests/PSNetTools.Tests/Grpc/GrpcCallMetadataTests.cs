using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Grpc;

/// <summary>
/// Issue 13 gRPC items 1, 2, 5 (authority) and 6: -IncludeMetadata, -Compression, -ServerName and the advice for a
/// server without reflection, against the grpc-js peer (tests/peers/rpc/grpc/grpc-server.js).
/// </summary>
public sealed class GrpcCallMetadataTests
{
    [Fact]
    public void Include_metadata_follows_each_call_with_status_headers_and_trailers_for_every_kind()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            var r = Ps.Run($$"""
                $out = @{ int32_value = 1 }, @{ int32_value = 2 } | Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Echo -Plaintext -IncludeMetadata -Metadata @{ 'x-run' = '7' }
                ($out | ForEach-Object { $_.PSObject.TypeNames[0] }) -join ','
                $last = $out[-1]
                $last.Method; $last.Status; $last.ResponseCount; $last.Trailers; $last.GetTrailers()['x-trailer']; $last.GetResponseHeaders()['x-run']
                $last.ResponseHeaders -match '(^|; )x-run: 7(;|$)'
                $last.ResponseEncoding
                # Export-friendly: every property is a scalar or joined text (Export-Csv itself runs in tests/Pester/Grpc.Tests.ps1).
                @($last.PSObject.Properties | Where-Object { $_.Value -isnot [string] -and $_.Value -isnot [ValueType] }).Count -eq 0
                # Server streaming: the result comes after the three replies.
                ((Invoke-GrpcMethod {{address}} test.v1.KitchenSink/EchoStream -Body @{ int32_value = 5 } -Plaintext -IncludeMetadata) | ForEach-Object { if ($_.Status) { "result:$($_.ResponseCount):$($_.Trailers)" } else { $_.int32Value } }) -join ','
                # Client streaming and bidi.
                (Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Sum -Body @{ a = 1; b = 2 }, @{ a = 3 } -Plaintext -IncludeMetadata | ForEach-Object { if ($_.Status) { "result:$($_.Status):$($_.ResponseCount)" } else { $_.total } }) -join ','
                (Invoke-GrpcMethod {{address}} demo.v1.Greeter/Chat -Body @{ name = 'a' }, @{ name = 'b' } -Plaintext -IncludeMetadata | ForEach-Object { if ($_.Status) { "result:$($_.Status):$($_.ResponseCount)" } else { $_.message } }) -join ','
                # A failed call writes its error, then its result with the status and the trailers.
                $f = Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Fail -Body @{ code = 5; detail = 'nope' } -Plaintext -IncludeMetadata -ErrorAction SilentlyContinue -ErrorVariable e
                "$($f.Status)|$($f.Detail)|$($f.GetTrailers()['x-fail-code'])|$($f.ResponseCount)|$($e[0].FullyQualifiedErrorId.Split(',')[0])"
                # Without the switch, nothing but the replies.
                @(Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Echo -Plaintext).Count
                """);
            r.AssertNoErrors();
            Assert.Equal([
                "PSNetTools.Grpc.Message#test.v1.AllTypes,PSNetTools.Grpc.GrpcCallResult,PSNetTools.Grpc.Message#test.v1.AllTypes,PSNetTools.Grpc.GrpcCallResult",
                "test.v1.KitchenSink/Echo", "OK", 1, "x-trailer: echo", "echo", "7", true, "identity", true,
                "5,5,5,result:3:x-trailer: echo",
                "6,result:OK:1",
                "Hello a,Hello b,result:OK:2",
                "NotFound|nope|5|0|GrpcNotFound",
                1,
            ], r.Output.Select(o => o.BaseObject));
        }
    }

    [Fact]
    public void Compression_gzip_sends_compressed_requests_and_identity_does_not()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using (peer)
        {
            // The peer answers with x-request-encoding: the grpc-encoding its requests came with.
            var r = Ps.Run($$"""
                $g = Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Echo -Body @{ string_value = 'x' * 2000 } -Plaintext -Compression gzip -IncludeMetadata
                $g[0].stringValue.Length; $g[1].GetResponseHeaders()['x-request-encoding']; $g[1].RequestEncoding; $g[1].ResponseCompressed
                (Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Echo -Body @{ string_value = 'y' } -Plaintext -Compression identity -IncludeMetadata)[1].GetResponseHeaders()['x-request-encoding']
                (Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Echo -Body @{ string_value = 'y' } -Plaintext -IncludeMetadata)[1].GetResponseHeaders()['x-request-encoding']
                # An empty message goes uncompressed (grpc-js refuses an empty gzip body); the call still works.
                (Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Echo -Plaintext -Compression gzip -IncludeMetadata)[1].Status
                # Streams of requests are compressed too.
                (Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Sum -Body @{ a = 40 }, @{ b = 2 } -Plaintext -Compression gzip).total
                """);
            r.AssertNoErrors();
            Assert.Equal([2000, "gzip", "gzip", false, "identity", "identity", "OK", 42L], r.Output.Select(o => o.BaseObject));
        }
    }

    [Fact]
    public void Server_name_checks_a_certificate_for_another_name_at_127_0_0_1()
    {
        // interop.crt is for *.test.google.fr only, like the interop tests' server1.pem.
        var (peer, address) = GrpcPeers.NodeGrpc(tls: true, certificate: "interop");
        using (peer)
        {
            var ca = TestCertificates.File("ca.crt");
            var r = Ps.Run($$"""
                (Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -Body @{ name = 'sn' } -ServerName foo.test.google.fr -TrustedCertificate '{{ca}}').message
                (Invoke-GrpcMethod {{address}} test.v1.KitchenSink/Echo -Authority foo.test.google.fr -TrustedCertificate '{{ca}}' -IncludeMetadata)[1].GetResponseHeaders()['x-request-authority']
                Test-GrpcHealth {{address}} -ServerName foo.test.google.fr -TrustedCertificate '{{ca}}' -Quiet
                (Get-GrpcService {{address}} -ServerName foo.test.google.fr -TrustedCertificate '{{ca}}' | Where-Object Service -eq demo.v1.Greeter).Count
                try { Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -TrustedCertificate '{{ca}}' -ErrorAction Stop } catch { $_.FullyQualifiedErrorId.Split(',')[0] }
                try { Invoke-GrpcMethod {{address}} demo.v1.Greeter/SayHello -ServerName other.example.test -TrustedCertificate '{{ca}}' -ErrorAction Stop } catch { $_.FullyQualifiedErrorId.Split(',')[0] }
                """);
            // No name of the certificate was looked up: the tests' resolver answers NXDOMAIN, so a lookup would have failed the call.
            r.AssertNoErrors();
            var port = address.Split(':')[1];
            Assert.Equal(["Hello sn", $"foo.test.google.fr:{port}", true, 4, "CertificateUntrusted", "CertificateUntrusted"], r.Output.Select(o => o.BaseObject));
        }
    }
}
