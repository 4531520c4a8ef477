using System.Collections;
using System.Management.Automation;
using System.Threading.Channels;
using PSNetTools.Mail;
using PSNetTools.Net;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Mail;

/// <summary>
/// Sends mail through SMTP. Every pipeline record is one message, and all of them go through ONE session: it opens on
/// the first record, stays open across records, and closes in EndProcessing (or on Ctrl+C / Dispose). Like
/// Send-WebSocketMessage it streams the records through one pump into one worker, which owns the session.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "Mail", SupportsShouldProcess = true)]
[OutputType(typeof(SentMail))]
public sealed class SendMailCommand : MailConnectionCommand
{
    private SmtpMailer? _mailer;
    private PipelinePump<PreparedMail>? _mails;

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string From { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Recipient", "EmailAddress", "Mail")]
    public string[] To { get; set; } = [];

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[] Cc { get; set; } = [];

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[] Bcc { get; set; } = [];

    [Parameter]
    public string[] ReplyTo { get; set; } = [];

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Subject { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Body { get; set; } = "";

    [Parameter]
    public SwitchParameter BodyAsHtml { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Attachments")]
    [SupportsWildcards]
    public string[] Attachment { get; set; } = [];

    /// <summary>Attachments taken as typed (no wildcards); files from Get-ChildItem bind here by PSPath or FullName.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    public string[] LiteralAttachment { get; set; } = [];

    // Engine enums cannot be parameter types: a value-type field needs the engine at type load, before the module's
    // load context is wired (Import-Module enumerates the exported types first). ValidateSet keeps completion.
    [Parameter]
    [ValidateSet("Normal", "Low", "High")]
    public string Priority { get; set; } = "Normal";

    [Parameter]
    public IDictionary? Header { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private protected override MailProtocol Protocol => MailProtocol.Smtp;

    protected override void BeginProcessing()
    {
        // Read here, on the pipeline thread; the session itself opens with the first message that goes ahead.
        var options = ConnectionOptions();
        var transcript = StreamPreferences.IsDebug(this);
        _mails = StartPump<PreparedMail>((mails, sink, ct) => SendAllAsync(mails, options.LoggingTo(sink, transcript), sink, ct), Server);
    }

    protected override void ProcessRecord()
    {
        var attachments = new List<string>();
        foreach (var resolved in ProviderPaths.Resolve(this, Attachment, literal: false).Concat(ProviderPaths.Resolve(this, LiteralAttachment, literal: true)))
        {
            if (resolved.Problem is { } problem)
            {
                // Like a missing attachment: this message is not sent, the rest of the pipeline goes on.
                WriteError(ErrorRecords.From(new TargetFailure(resolved.Input, "MailAttachmentNotFound", FailureKind.InvalidTarget, problem), this));
                return;
            }
            attachments.AddRange(resolved.Paths);
        }
        PreparedMail prepared;
        try
        {
            prepared = SmtpMailer.Prepare(Describe(attachments));
        }
        catch (MailException ex)
        {
            // A bad address or header concerns this message only; the rest of the pipeline goes on.
            WriteError(ErrorRecords.FromException(ex, null, this));
            return;
        }

        using (prepared)
        {
            var recipients = string.Join(", ", prepared.Recipients);
            var target = $"To: {recipients}; {prepared.SizeBytes:N0} bytes; {prepared.AttachmentCount} attachment(s); via {Server}";
            if (!ShouldProcess(target, $"Send mail '{prepared.Subject}'")) return;
            // Returns when the message is sent (or refused): the pump's work is done with it before it is disposed.
            _mails!.Push(prepared);
        }
    }

    protected override void EndProcessing() => _mails?.Finish();

    protected override void Dispose(bool disposing)
    {
        // Stops the work first (Ctrl+C, an abandoned pipeline); a session it left open is closed without QUIT.
        base.Dispose(disposing);
        if (disposing)
        {
            _mailer?.Dispose();
            _mailer = null;
        }
    }

    // One worker for the whole pipeline and one SMTP session: it connects when the first message arrives and says QUIT
    // after the last. The transcript and status lines go through the same sink for the whole session, QUIT included.
    private async Task SendAllAsync(ChannelReader<PreparedMail> mails, MailServerOptions options, PipelineSink sink, CancellationToken ct)
    {
        try
        {
            await foreach (var mail in ReadPumped(mails, sink, ct).ConfigureAwait(false))
            {
                _mailer ??= new SmtpMailer(options);
                try
                {
                    var sent = await _mailer.SendAsync(mail, ct).ConfigureAwait(false);
                    if (PassThru) sink.WriteObject(sent);
                }
                catch (MailException ex) when (!ex.IsConnectionLevel)
                {
                    // A refused recipient or message concerns that message only.
                    sink.WriteFailure(ex.Failure);
                }
            }
            if (_mailer is { } mailer) await mailer.DisconnectAsync().ConfigureAwait(false);
        }
        catch (MailException ex)
        {
            // A dead server or a refused login ends the statement: every further message would fail the same way.
            throw new RuntimeException(ex.Failure.Message, ex, ErrorRecords.From(ex.Failure, this, null, ex));
        }
    }

    private OutgoingMail Describe(List<string> attachments) => new()
    {
        From = From,
        To = To,
        Cc = Cc,
        Bcc = Bcc,
        ReplyTo = ReplyTo,
        Subject = Subject,
        Body = Body,
        BodyAsHtml = BodyAsHtml,
        Attachments = attachments,
        Priority = Enum.Parse<MailPriority>(Priority, ignoreCase: true),
        Headers = PowerShellValues.TextPairs(Header),
    };
}
