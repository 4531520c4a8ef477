using System.Management.Automation;
using PSNetTools.Mail;

namespace PSNetTools.Commands.Mail;

/// <summary>Lists (and optionally downloads) the messages of a POP3 maildrop, newest first. Nothing is deleted.</summary>
[Cmdlet(VerbsCommon.Get, "Pop3Message", DefaultParameterSetName = LastSet)]
[OutputType(typeof(ReceivedMessage))]
public sealed class GetPop3MessageCommand : MailReadCommandBase
{
    private const string FirstSet = "First";
    private const string LastSet = "Last";

    [Parameter(ParameterSetName = FirstSet)]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; }

    [Parameter(ParameterSetName = LastSet)]
    [ValidateRange(1, int.MaxValue)]
    public int Last { get; set; }

    [Parameter]
    public SwitchParameter IncludeBody { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AttachmentPath { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    private protected override MailProtocol Protocol => MailProtocol.Pop3;

    protected override void ProcessRecord()
    {
        var query = new MailboxQuery
        {
            First = MyInvocation.BoundParameters.ContainsKey(nameof(First)) ? First : null,
            Last = MyInvocation.BoundParameters.ContainsKey(nameof(Last)) ? Last : null,
            IncludeBody = IncludeBody,
            AttachmentPath = AttachmentPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(AttachmentPath),
            Force = Force,
        };
        RunMail(async (options, sink, ct) =>
        {
            await foreach (var message in Pop3Reader.GetMessagesAsync(options, query, ct).ConfigureAwait(false))
            {
                sink.WriteObject(message);
            }
        });
    }
}
