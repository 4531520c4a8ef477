using System.Management.Automation;
using PSNetTools.Mail;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Mail;

/// <summary>Connection parameters and error handling shared by Get-ImapMessage, Get-ImapFolder and Get-Pop3Message.</summary>
public abstract class MailReadCommandBase : AsyncCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "HostName")]
    [ValidateNotNullOrEmpty]
    public string Server { get; set; } = "";

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter(Mandatory = true)]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    [Parameter]
    [ValidateSet("Auto", "None", "StartTls", "SslOnConnect")]
    public string Security { get; set; } = "Auto";

    [Parameter]
    public SwitchParameter AllowUnencryptedAuthentication { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double TimeoutSec { get; set; } = 30;

    /// <summary>The protocol's plain and implicit-TLS ports.</summary>
    protected abstract (int Plain, int Tls) DefaultPorts { get; }

    /// <summary>Runs <paramref name="work"/> with the options built from the parameters; mail failures become non-terminating errors on the server.</summary>
    protected void RunMail(Func<MailServerOptions, PipelineSink, CancellationToken, Task> work)
    {
        var port = Port != 0 ? Port : string.Equals(Security, "None", StringComparison.OrdinalIgnoreCase) || string.Equals(Security, "StartTls", StringComparison.OrdinalIgnoreCase)
            ? DefaultPorts.Plain : DefaultPorts.Tls;
        var options = MailParameters.Options(Server, port, Security, Credential, AllowUnencryptedAuthentication, SkipCertificateCheck, TimeoutSec, 0, 1);
        var transcript = StreamPreferences.IsDebug(this);
        RunAsync(async (sink, ct) =>
        {
            try
            {
                await work(options.LoggingTo(sink, transcript, warnRetries: false), sink, ct).ConfigureAwait(false);
            }
            catch (MailException ex)
            {
                sink.WriteFailure(ex.Failure, null, ex);
            }
        }, Server);
    }
}
