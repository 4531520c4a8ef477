using System.Management.Automation;
using PSNetTools.Transport;
using PSNetTools.Net;
using PSNetTools.Resilience;

namespace PSNetTools.Commands.Transport;

// No default parameter set: with one, PowerShell settles on it before the pipeline is bound, and a piped byte[] finds only -Message.
[Cmdlet(VerbsCommunications.Send, "TcpMessage")]
[OutputType(typeof(MessageReply))]
public sealed class SendTcpMessageCommand : SendMessageCommandBase
{
    [Parameter]
    [ValidateRange(0.01, 3600)]
    public double TimeoutSec { get; set; } = 5;

    [Parameter]
    [ValidateRange(0, 100)]
    public int RetryCount { get; set; }

    [Parameter]
    [ValidateRange(0.0, 3600)]
    public double RetryDelaySec { get; set; } = 1;

    [Parameter]
    public SwitchParameter UseTls { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ServerName { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    protected override MessageOptions Customize(MessageOptions options) => options with
    {
        ConnectTimeout = TimeSpan.FromSeconds(TimeoutSec),
        Retry = new RetryPolicy
        {
            MaxRetries = RetryCount,
            BaseDelay = TimeSpan.FromSeconds(RetryDelaySec),
            MaxDelay = TimeSpan.FromSeconds(Math.Max(RetryDelaySec * 16, 0.001)),
        },
        UseTls = UseTls || ServerName is not null || SkipCertificateCheck,
        ServerName = ServerName,
        SkipCertificateCheck = SkipCertificateCheck,
    };

    protected override Task<Outcome<MessageExchange>> ExchangeAsync(ResolvedTarget target, MessageOptions options, CancellationToken cancellationToken) =>
        TcpMessageClient.ExchangeAsync(target, options, cancellationToken);
}
