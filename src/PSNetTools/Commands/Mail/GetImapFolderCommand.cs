using System.Management.Automation;
using PSNetTools.Mail;

namespace PSNetTools.Commands.Mail;

/// <summary>Lists the folders of an IMAP account with their total and unread counts.</summary>
[Cmdlet(VerbsCommon.Get, "ImapFolder")]
[OutputType(typeof(ImapFolderInfo))]
public sealed class GetImapFolderCommand : MailReadCommandBase
{
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "*";

    private protected override MailProtocol Protocol => MailProtocol.Imap;

    protected override void ProcessRecord()
    {
        var pattern = new WildcardPattern(Name, WildcardOptions.IgnoreCase);
        RunMail(async (options, sink, ct) =>
        {
            foreach (var folder in await ImapReader.GetFoldersAsync(options, ct).ConfigureAwait(false))
            {
                if (pattern.IsMatch(folder.Name) || pattern.IsMatch(folder.FullName)) sink.WriteObject(folder);
            }
        });
    }
}
