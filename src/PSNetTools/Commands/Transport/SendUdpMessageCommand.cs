using System.Management.Automation;
using PSNetTools.Transport;
using PSNetTools.Net;

namespace PSNetTools.Commands.Transport;

// No default parameter set: with one, PowerShell settles on it before the pipeline is bound, and a piped byte[] finds only -Message.
[Cmdlet(VerbsCommunications.Send, "UdpMessage")]
[OutputType(typeof(MessageReply))]
public sealed class SendUdpMessageCommand : SendMessageCommandBase
{
    [Parameter]
    public SwitchParameter NoResponse { get; set; }

    protected override MessageOptions Customize(MessageOptions options) => options with { NoResponse = NoResponse };

    protected override Task<Outcome<MessageExchange>> ExchangeAsync(ResolvedTarget target, MessageOptions options, CancellationToken cancellationToken) =>
        UdpMessageClient.ExchangeAsync(target, options, cancellationToken);
}
