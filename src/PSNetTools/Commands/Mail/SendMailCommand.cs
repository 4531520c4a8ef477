using System.Collections;
using System.Management.Automation;
using PSNetTools.Engine.Mail;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Mail;

/// <summary>
/// Sends mail through SMTP. Every pipeline record is one message, and all of them go through ONE session: it opens on
/// the first record, stays open across records, and closes in EndProcessing (or on Ctrl+C / Dispose).
/// </summary>
[Cmdlet(VerbsCommunications.Send, "Mail", SupportsShouldProcess = true)]
[OutputType(typeof(SentMail))]
public sealed class SendMailCommand : AsyncCmdlet
{
    private SmtpMailer? _mailer;
    private MailServerOptions? _options;
    private MailException? _fatal;

    [Parameter(Mandatory = true, Position = 0)]
    [Alias("ComputerName", "Server")]
    [ValidateNotNullOrEmpty]
    public string SmtpServer { get; set; } = "";

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

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
    [Alias("FullName", "Attachments")]
    public string[] Attachment { get; set; } = [];

    // Engine enums cannot be parameter types: a value-type field needs the engine at type load, before the module's
    // load context is wired (Import-Module enumerates the exported types first). ValidateSet keeps completion.
    [Parameter]
    [ValidateSet("Normal", "Low", "High")]
    public string Priority { get; set; } = "Normal";

    [Parameter]
    public Hashtable? Header { get; set; }

    [Parameter]
    [Credential]
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

    [Parameter]
    [ValidateRange(0, 100)]
    public int RetryCount { get; set; }

    [Parameter]
    [ValidateRange(0, 3600)]
    public double RetryDelaySec { get; set; } = 1;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        // A dead server or a refused login ends the statement: every further message would fail the same way.
        if (_fatal is not null) ThrowTerminatingError(ErrorRecords.FromException(_fatal, null, this));

        PreparedMail prepared;
        try
        {
            prepared = SmtpMailer.Prepare(Describe());
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
            var target = $"To: {recipients}; {prepared.SizeBytes:N0} bytes; {prepared.AttachmentCount} attachment(s); via {SmtpServer}";
            if (!ShouldProcess(target, $"Send mail '{prepared.Subject}'")) return;

            _options ??= MailParameters.Options(SmtpServer, Port == 0 ? MailParameters.DefaultPort(Security, 587, 465) : Port, Security, Credential,
                AllowUnencryptedAuthentication, SkipCertificateCheck, TimeoutSec, RetryCount, RetryDelaySec,
                MailParameters.IsVerbose(this), () => WriteVerboseFromAnyThread, WriteWarningFromAnyThread);
            _mailer ??= new SmtpMailer(_options);
            RunAsync(async (sink, ct) =>
            {
                _verboseSink = sink;
                try
                {
                    var sent = await _mailer.SendAsync(prepared, ct).ConfigureAwait(false);
                    if (PassThru) sink.WriteObject(sent);
                }
                catch (MailException ex) when (ex.IsConnectionLevel)
                {
                    _fatal = ex;
                }
                catch (MailException ex)
                {
                    sink.WriteFailure(ex.Failure, null, ex);
                }
                finally
                {
                    _verboseSink = null;
                }
            }, SmtpServer);
        }
        if (_fatal is not null) ThrowTerminatingError(ErrorRecords.FromException(_fatal, null, this));
    }

    protected override void EndProcessing()
    {
        if (_mailer is null) return;
        RunAsync(async (_, _) => await _mailer.DisconnectAsync().ConfigureAwait(false), SmtpServer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _mailer?.Dispose();
            _mailer = null;
        }
        base.Dispose(disposing);
    }

    // The protocol log is written by MailKit on whatever thread runs the send; it goes through the sink of the
    // RunAsync call in progress (a line logged outside one, e.g. QUIT at the end, is dropped).
    private volatile PipelineSink? _verboseSink;

    private void WriteVerboseFromAnyThread(string line) => _verboseSink?.WriteVerbose(line);

    // Retries are announced as warnings: the user should know a send needed them.
    private void WriteWarningFromAnyThread(string line) => _verboseSink?.WriteWarning(line);

    private OutgoingMail Describe() => new()
    {
        From = From,
        To = To,
        Cc = Cc,
        Bcc = Bcc,
        ReplyTo = ReplyTo,
        Subject = Subject,
        Body = Body,
        BodyAsHtml = BodyAsHtml,
        Attachments = Attachment.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => SessionState.Path.GetUnresolvedProviderPathFromPSPath(a)).ToList(),
        Priority = Enum.Parse<MailPriority>(Priority, ignoreCase: true),
        Headers = Header is null ? [] : Header.Cast<DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string>(e.Key?.ToString() ?? "", LanguagePrimitives.ConvertTo<string>(e.Value) ?? "")).ToList(),
    };
}
