using System.Collections;
using System.Management.Automation;
using System.Threading.Channels;
using PSNetTools.Net;
using PSNetTools.WebSockets;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.WebSockets;

/// <summary>
/// Every pipeline message goes over ONE connection: opened at the first message (or given with -Session) and, when
/// this cmdlet opened it, closed with a handshake after the last.
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
    private PipelinePump<string>? _messages;
    private PSNetTools.Net.TlsTrust? _trust;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet)]
    [ValidateNotNull]
    public Uri Uri { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SessionSet)]
    [ValidateNotNull]
    public WebSocketSession Session { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string[] Message { get; set; } = [];

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
        else if (WebSocketParameters.CheckUri(Uri) is { } bad)
        {
            ThrowTerminatingError(bad);
        }
        else
        {
            _trust = Trust();
        }
        _messages = StartPump<string>(ExchangeAllAsync, _session?.Uri ?? Uri.OriginalString);
    }

    protected override void ProcessRecord()
    {
        foreach (var message in Message) _messages!.Push(message);
    }

    protected override void EndProcessing()
    {
        _messages?.Finish();
        Close();
    }

    // One worker for the whole pipeline: the messages arrive through the pump, the replies go out as they come.
    private async Task ExchangeAllAsync(ChannelReader<string> messages, PipelineSink sink, CancellationToken ct)
    {
        var target = _session?.Uri ?? Uri.OriginalString;
        try
        {
            await foreach (var message in ReadPumped(messages, sink, ct).ConfigureAwait(false))
            {
                if (_session is null)
                {
                    var options = WebSocketParameters.Options(Uri, Subprotocol, Headers, TimeoutSec, _trust!, 16 * 1024 * 1024);
                    _session = await WebSocketSession.ConnectAsync(options with { Log = sink.WriteVerbose }, ct).ConfigureAwait(false);
                    _ownsSession = true;
                }
                sink.WriteObject(await _session.ExchangeAsync(++_index, message, Binary, NoResponse, ct).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The connection is gone or never came: one error, and the rest of the pipeline is not sent.
            sink.WriteFailure(Failures.From(target, ex, TimeSpan.FromSeconds(TimeoutSec)));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Close();
        base.Dispose(disposing);
    }

    private void Close()
    {
        if (!_ownsSession || _session is null) return;
        var session = _session;
        _session = null;
        // Bounded by the session's own close timeout; runs also after Ctrl+C, so no connection is left open.
        session.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(15));
    }
}
