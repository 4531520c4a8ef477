using System.Management.Automation;
using System.Net;
using PSNetTools.Commands.Servers;
using PSNetTools.Http;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Http;

[Cmdlet(VerbsLifecycle.Start, "HttpFileServer", SupportsShouldProcess = true)]
[OutputType(typeof(HttpFileServer))]
public sealed class StartHttpFileServerCommand : HttpServerCommand
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = ".";

    [Parameter(Position = 1)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; } = 8000;

    [Parameter]
    public SwitchParameter NoDirectoryListing { get; set; }

    protected override void EndProcessing()
    {
        if (!ShouldStart("an HTTP file server", Port)) return;
        ServerCommands.EnsureNameIsFree(this, Name);
        var root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (!Directory.Exists(root))
        {
            ThrowTerminatingError(new ErrorRecord(new DirectoryNotFoundException($"'{root}' is not a folder; -Path must name the folder to serve."),
                "PathNotFound", ErrorCategory.ObjectNotFound, Path));
        }
        var options = new HttpFileServerOptions { Root = root, Address = Address, Port = Port, Name = Name, NoDirectoryListing = NoDirectoryListing, Limits = Limits() };
        RunAsync((sink, ct) => ServerCommands.StartAsync(() => HttpFileServer.StartAsync(options, ct), sink, Wait, ct), Port);
    }
}
