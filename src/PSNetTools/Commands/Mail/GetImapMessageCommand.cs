using System.Management.Automation;
using PSNetTools.Mail;

namespace PSNetTools.Commands.Mail;

/// <summary>Lists (and optionally downloads) messages of an IMAP folder, searched on the server, newest first.</summary>
[Cmdlet(VerbsCommon.Get, "ImapMessage", DefaultParameterSetName = LastSet)]
[OutputType(typeof(ReceivedMessage))]
public sealed class GetImapMessageCommand : MailReadCommandBase
{
    private const string FirstSet = "First";
    private const string LastSet = "Last";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Folder { get; set; } = "INBOX";

    [Parameter(ParameterSetName = FirstSet)]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; }

    [Parameter(ParameterSetName = LastSet)]
    [ValidateRange(1, int.MaxValue)]
    public int Last { get; set; }

    [Parameter]
    public SwitchParameter Unread { get; set; }

    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter]
    public DateTime? Before { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? From { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? To { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Subject { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BodyContains { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1L, uint.MaxValue)]
    public long[] Uid { get; set; } = [];

    [Parameter]
    public SwitchParameter IncludeBody { get; set; }

    /// <summary>Off by default: reading leaves messages unread. It replaces -Peek, which was on by default and needed ":$false".</summary>
    [Parameter]
    public SwitchParameter MarkRead { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AttachmentPath { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    private protected override MailProtocol Protocol => MailProtocol.Imap;

    protected override void ProcessRecord()
    {
        var query = new MailboxQuery
        {
            Folder = Folder,
            First = MyInvocation.BoundParameters.ContainsKey(nameof(First)) ? First : null,
            Last = MyInvocation.BoundParameters.ContainsKey(nameof(Last)) ? Last : null,
            UnreadOnly = Unread,
            Since = Since,
            Before = Before,
            From = From,
            To = To,
            Subject = Subject,
            BodyContains = BodyContains,
            Uids = Uid,
            IncludeBody = IncludeBody,
            Peek = !MarkRead,
            AttachmentPath = AttachmentPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(AttachmentPath),
            Force = Force,
        };
        RunMail(async (options, sink, ct) =>
        {
            await foreach (var message in ImapReader.GetMessagesAsync(options, query, ct).ConfigureAwait(false))
            {
                sink.WriteObject(message);
            }
        });
    }
}
