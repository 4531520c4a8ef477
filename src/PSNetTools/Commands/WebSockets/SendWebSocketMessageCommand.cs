using System.Collections;
using System.Management.Automation;
using System.Threading.Channels;
using PSNetTools.Net;
using PSNetTools.WebSockets;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.WebSockets;

/// <summary>
/// Every pipeline message goes over ONE connection: opened at the first message (or given with -Session) and, when
/// this cmdlet opened it, closed with a handshake after the last. Records with a Uri property bring their own URL: a
/// record whose Uri differs from the one before closes that connection and opens one to the new URL.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "WebSocketMessage", DefaultParameterSetName = UriSet)]
[OutputType(typeof(WebSocketExchange))]
public sealed class SendWebSocketMessageCommand : TlsClientCommand
{
    private const string UriSet = "Uri";
    private const string SessionSet = "Session";
    private WebSocketSession? _session;
    private bool _ownsSession;
    private long _index;
    private bool _sent;
    private Uri? _connectedTo;
    private PipelinePump<(Uri? Uri, string? Message, byte[]? Data)>? _messages;
    private volatile bool _stopped;
    private PSNetTools.Net.TlsTrust? _trust;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Uri? Uri { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SessionSet)]
    [ValidateNotNull]
    public WebSocketSession Session { get; set; } = null!;

    // Not mandatory: a record brings either text (-Message) or bytes (-InputObject); EndProcessing says when nothing came.
    [Parameter(Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string[] Message { get; set; } = [];

    /// <summary>Bytes sent as they are in one binary frame (Autobahn 1.2.x: arbitrary binary, not UTF-8 of a string).</summary>
    [Parameter(ValueFromPipeline = true)]
    [Alias("Data")]
    [ValidateNotNull]
    public byte[]? InputObject { get; set; }

    [Parameter]
    public SwitchParameter Binary { get; set; }

    [Parameter(ParameterSetName = UriSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Subprotocol { get; set; }

    [Parameter(ParameterSetName = UriSet)]
    [ValidateNotNull]
    public IDictionary? Headers { get; set; }

    [Parameter]
    [ValidateRange(0.01, 86400)]
    public double TimeoutSec { get; set; } = 30;

    [Parameter]
    public SwitchParameter NoResponse { get; set; }

    protected override void BeginProcessing()
    {
        if (ParameterSetName == SessionSet)
        {
            // The session's connection was made (and its certificate judged) by Connect-WebSocket.
            if (new[] { nameof(SkipCertificateCheck), nameof(TrustedCertificate), nameof(ClientCertificate) }.FirstOrDefault(MyInvocation.BoundParameters.ContainsKey) is { } tls)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-{tls} applies when connecting with -Uri; a -Session is already connected."),
                    "TlsParameterWithSession", ErrorCategory.InvalidArgument, tls));
            }
            _session = Session;
        }
        else if (Uri is not null && WebSocketParameters.CheckUri(Uri) is { } bad)
        {
            // Bound on the command line: a wrong scheme stops before anything is sent. From the pipeline it is checked per record.
            ThrowTerminatingError(bad);
        }
        if (Session is null) _trust = Trust();
        _messages = StartPump<(Uri?, string?, byte[]?)>(ExchangeAllAsync, _session?.Uri ?? Uri?.OriginalString);
    }

    protected override void ProcessRecord()
    {
        Uri? uri = null;
        if (ParameterSetName == UriSet)
        {
            if (WebSocketParameters.CheckUri(Uri!) is { } bad)
            {
                WriteError(bad);
                return;
            }
            uri = Uri;
        }
        if (InputObject is { } data)
        {
            _messages!.Push((uri, null, data));
            InputObject = null;
            _sent = true;
            return;
        }
        foreach (var message in Message) _messages!.Push((uri, message, null));
        _sent |= Message.Length > 0;
    }

    protected override void EndProcessing()
    {
        _messages?.Finish();
        Close();
        if (!_sent)
        {
            WriteError(new ErrorRecord(new ArgumentException("Nothing was sent: give -Message (text) or -InputObject (bytes), or pipe either."),
                "NothingToSend", ErrorCategory.InvalidArgument, null));
        }
    }

    // One worker for the whole pipeline: the messages arrive through the pump, the replies go out as they come.
    private async Task ExchangeAllAsync(ChannelReader<(Uri? Uri, string? Message, byte[]? Data)> messages, PipelineSink sink, CancellationToken ct)
    {
        var target = _session?.Uri ?? Uri?.OriginalString;
        try
        {
            await foreach (var (uri, message, data) in ReadPumped(messages, sink, ct).ConfigureAwait(false))
            {
                if (uri is not null && _ownsSession && _session is not null && uri != _connectedTo)
                {
                    // Another URL from the pipeline: finish this conversation before starting the next.
                    var previous = _session;
                    _session = null;
                    await previous.DisposeAsync().ConfigureAwait(false);
                }
                if (_session is null)
                {
                    target = uri!.OriginalString;
                    var options = WebSocketParameters.Options(uri, Subprotocol, Headers, TimeoutSec, _trust!, 16 * 1024 * 1024);
                    _session = await WebSocketSession.ConnectAsync(options with { Log = sink.WriteVerbose }, ct).ConfigureAwait(false);
                    _connectedTo = uri;
                    _ownsSession = true;
                }
                sink.WriteObject(data is not null
                    ? await _session.ExchangeAsync(++_index, data, NoResponse, ct).ConfigureAwait(false)
                    : await _session.ExchangeAsync(++_index, message!, Binary, NoResponse, ct).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The connection is gone or never came: one error, and the rest of the pipeline is not sent.
            sink.WriteFailure(Failures.From(target ?? "", ex, TimeSpan.FromSeconds(TimeoutSec)));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Close();
        base.Dispose(disposing);
    }

    protected override void StopProcessing()
    {
        _stopped = true;
        base.StopProcessing();
    }

    private void Close()
    {
        if (!_ownsSession || _session is null) return;
        var session = _session;
        _session = null;
        // Bounded by the session's own close timeout; runs also after Ctrl+C, so no connection is left open. After
        // Ctrl+C the user is waiting: the close frame goes out, but a server that does not answer it gets one second
        // (it had up to 10, and Ctrl+C took that long against a silent server).
        using var patience = _stopped ? new CancellationTokenSource(TimeSpan.FromSeconds(1)) : new CancellationTokenSource();
        session.CloseAsync(patience.Token).Wait(TimeSpan.FromSeconds(15));
        session.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(15));
    }
}
