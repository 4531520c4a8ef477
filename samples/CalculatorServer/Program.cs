// Sample ASP.NET Core gRPC server: calculator.Calculator (../../protos/calculator.proto) with server reflection and
// gRPC health, on 127.0.0.1 only, HTTP/2 only (h2c in plaintext, ALPN h2 with --tls).
// Usage: dotnet CalculatorServer.dll [--port N] [--tls CERT.pfx [PASSWORD] | --tls CERT.crt KEY.key]
//                                    [--reflection both|v1|v1alpha|none]
//   --port 0 (the default is 50051) picks a free port. Prints "calculator listening on http://127.0.0.1:PORT"
//   (https with --tls) with the port actually bound, once it accepts calls.
//   --reflection: MapGrpcReflectionService serves grpc.reflection.v1 AND v1alpha (the default, "both"); v1alpha
//   alone imitates older servers (a client must fall back to it), none turns reflection off.
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PSNetTools.Samples.Calculator;

var port = 50051;
X509Certificate2? certificate = null;
var chain = new X509Certificate2Collection();
var reflection = "both";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length:
            port = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--tls" when i + 1 < args.Length:
            var certPath = args[++i];
            var second = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            var pkcs12 = certPath.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || certPath.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
            certificate = pkcs12
                ? X509CertificateLoader.LoadPkcs12FromFile(certPath, second)
                : X509Certificate2.CreateFromPemFile(certPath, second ?? Path.ChangeExtension(certPath, ".key"));
            // The other certificates of the file (intermediates: leaf-chain.crt, leaf.pfx) are sent with the leaf.
            var all = pkcs12 ? X509CertificateLoader.LoadPkcs12CollectionFromFile(certPath, second) : LoadPemCollection(certPath);
            foreach (var c in all)
            {
                if (c.Thumbprint != certificate.Thumbprint) chain.Add(c);
            }
            break;
        case "--reflection" when i + 1 < args.Length && args[i + 1] is "both" or "v1" or "v1alpha" or "none":
            reflection = args[++i];
            break;
        default:
            await Console.Error.WriteLineAsync("usage: CalculatorServer [--port N] [--tls CERT.pfx [PASSWORD] | --tls CERT.crt KEY.key] [--reflection both|v1|v1alpha|none]").ConfigureAwait(false);
            return 2;
    }
}

var builder = WebApplication.CreateBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
{
    listen.Protocols = HttpProtocols.Http2;
    if (certificate is not null) listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate, ServerCertificateChain = chain });
}));
builder.Services.AddGrpc();
builder.Services.AddGrpcReflection();
builder.Services.AddHealthChecks().AddCheck("calculator", () => HealthCheckResult.Healthy(), tags: ["calculator"]);
builder.Services.AddGrpcHealthChecks(options =>
{
    options.Services.Map("", _ => true);
    options.Services.Map("calculator.Calculator", registration => registration.Tags.Contains("calculator"));
});

var app = builder.Build();
app.MapGrpcService<CalculatorService>();
switch (reflection)
{
    case "both":
        app.MapGrpcReflectionService();
        break;
    case "v1":
        app.MapGrpcService<Grpc.Reflection.ReflectionV1ServiceImpl>();
        break;
    case "v1alpha":
        app.MapGrpcService<Grpc.Reflection.ReflectionServiceImpl>();
        break;
}
app.MapGrpcHealthChecksService();

await app.StartAsync().ConfigureAwait(false);
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"calculator listening on {address}");
await app.WaitForShutdownAsync().ConfigureAwait(false);
return 0;

static X509Certificate2Collection LoadPemCollection(string path)
{
    var collection = new X509Certificate2Collection();
    collection.ImportFromPemFile(path);
    return collection;
}
