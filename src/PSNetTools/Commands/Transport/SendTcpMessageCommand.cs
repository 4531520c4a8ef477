using System.Management.Automation;
using PSNetTools.Infrastructure;
using PSNetTools.Transport;
using PSNetTools.Net;
using PSNetTools.Resilience;

namespace PSNetTools.Commands.Transport;

// No default parameter set: with one, PowerShell settles on it before the pipeline is bound, and a piped byte[] finds only -Message.
[Cmdlet(VerbsCommunications.Send, "TcpMessage")]
[OutputType(typeof(MessageReply))]
[DynamicParameters(typeof(TcpTlsParameters))]
public sealed class SendTcpMessageCommand : SendMessageCommandBase, IDynamicParameters
{
    private readonly TcpTlsParameters _tls = new();

    [Parameter]
    [ValidateRange(0.01, 3600)]
    public double TimeoutSec { get; set; } = 5;

    [Parameter]
    [ValidateRange(0, 100)]
    public int RetryCount { get; set; }

    [Parameter]
    [ValidateRange(0.0, 3600)]
    public double RetryDelaySec { get; set; } = 1;

    /// <summary>-UseTls, -ServerName and the trust parameters every TLS client has (see <see cref="TcpTlsParameters"/>).</summary>
    public object GetDynamicParameters() => _tls;

    protected override MessageOptions Customize(MessageOptions options) => options with
    {
        ConnectTimeout = TimeSpan.FromSeconds(TimeoutSec),
        Retry = new RetryPolicy
        {
            MaxRetries = RetryCount,
            BaseDelay = TimeSpan.FromSeconds(RetryDelaySec),
            MaxDelay = TimeSpan.FromSeconds(Math.Max(RetryDelaySec * 16, 0.001)),
        },
        UseTls = _tls.Wanted,
        ServerName = _tls.ServerName,
        Tls = _tls.TrustFor(this),
    };

    protected override Task<Outcome<MessageExchange>> ExchangeAsync(ResolvedTarget target, MessageOptions options, CancellationToken cancellationToken) =>
        TcpMessageClient.ExchangeAsync(target, options, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _tls.Dispose();
        base.Dispose(disposing);
    }
}
