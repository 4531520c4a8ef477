using System.Management.Automation;
using System.Net;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using PSNetTools.Commands.Servers;
using PSNetTools.Infrastructure;
using PSNetTools.Transport;

namespace PSNetTools.Commands.Transport;

[Cmdlet(VerbsLifecycle.Start, "TcpEchoServer", DefaultParameterSetName = PlainSet, SupportsShouldProcess = true)]
[OutputType(typeof(TcpEchoServer))]
public sealed class StartTcpEchoServerCommand : ServerCommand
{
    private const string PlainSet = "Plain";
    private const string CertificateSet = "Certificate";
    private const string PfxSet = "CertificateFile";

    [Parameter(Position = 0)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    [Parameter]
    public string? ResponsePrefix { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [ValidateNotNull]
    public X509Certificate2? Certificate { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = PfxSet)]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    [Parameter(ParameterSetName = PfxSet)]
    public SecureString? CertificatePassword { get; set; }

    [Parameter]
    [ValidateRange(0.1, 86400)]
    public double IdleTimeoutSec { get; set; } = 60;

    protected override void EndProcessing()
    {
        if (!ShouldStart("a TCP echo server", Port)) return;
        ServerCommands.EnsureNameIsFree(this, Name);
        var file = ServerCommands.LoadCertificate(this, CertificatePath, CertificatePassword);
        var options = new TcpEchoServerOptions
        {
            Address = Address,
            Port = Port,
            Name = Name,
            ResponsePrefix = ResponsePrefix,
            Certificate = Certificate ?? file?.Leaf,
            CertificateChain = file?.Chain ?? [],
            IdleTimeout = TimeSpan.FromSeconds(IdleTimeoutSec),
        };
        RunAsync((sink, ct) => ServerCommands.StartAsync(() => TcpEchoServer.StartAsync(options, ct), sink, Wait, ct), Port);
    }
}
