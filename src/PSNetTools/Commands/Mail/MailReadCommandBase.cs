using System.Management.Automation;
using PSNetTools.Mail;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Mail;

/// <summary>What Get-ImapMessage, Get-ImapFolder and Get-Pop3Message share beyond the connection: a server per record, a required login, errors per server.</summary>
public abstract class MailReadCommandBase : MailConnectionCommand
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "HostName")]
    [ValidateNotNullOrEmpty]
    public override string Server { get; set; } = "";

    [Parameter(Mandatory = true)]
    [Credential]
    [ValidateNotNull]
    public override PSCredential? Credential { get; set; }

    /// <summary>Runs <paramref name="work"/> with the options built from the parameters; mail failures become non-terminating errors on the server.</summary>
    protected void RunMail(Func<MailServerOptions, PipelineSink, CancellationToken, Task> work)
    {
        var options = ConnectionOptions();
        var transcript = StreamPreferences.IsDebug(this);
        RunAsync(async (sink, ct) =>
        {
            try
            {
                await work(options.LoggingTo(sink, transcript), sink, ct).ConfigureAwait(false);
            }
            catch (MailException ex)
            {
                sink.WriteFailure(ex.Failure, null, ex);
            }
        }, Server);
    }
}
