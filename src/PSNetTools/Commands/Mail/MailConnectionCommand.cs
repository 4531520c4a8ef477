using System.Management.Automation;
using PSNetTools.Infrastructure;
using PSNetTools.Mail;
using PSNetTools.Resilience;

namespace PSNetTools.Commands.Mail;

/// <summary>
/// The connection parameters of every mail cmdlet (server, port, security, credential, timeout, retries, TLS trust),
/// declared once, and the one way they become <see cref="MailServerOptions"/>. Server and Credential are virtual:
/// the readers take the server from each record and require a login; Send-Mail opens one session for the whole
/// pipeline, so a record cannot name another server there, and it may send without a login.
/// </summary>
public abstract class MailConnectionCommand : TlsClientCommand
{
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("SmtpServer", "ComputerName", "HostName")]
    [ValidateNotNullOrEmpty]
    public virtual string Server { get; set; } = "";

    /// <summary>0: <see cref="MailServerOptions.DefaultPort"/> for the protocol and -Security.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter]
    [Credential]
    public virtual PSCredential? Credential { get; set; }

    [Parameter]
    [ValidateSet("Auto", "None", "StartTls", "SslOnConnect")]
    public string Security { get; set; } = "Auto";

    [Parameter]
    public SwitchParameter AllowUnencryptedAuthentication { get; set; }

    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double TimeoutSec { get; set; } = 30;

    [Parameter]
    [ValidateRange(0, 100)]
    public int RetryCount { get; set; }

    [Parameter]
    [ValidateRange(0, 3600)]
    public double RetryDelaySec { get; set; } = 1;

    /// <summary>The protocol the cmdlet speaks; it picks the default port.</summary>
    private protected abstract MailProtocol Protocol { get; }

    /// <summary>The engine options for the current parameters; call it on the pipeline thread.</summary>
    private protected MailServerOptions ConnectionOptions()
    {
        var security = Enum.Parse<MailSecurity>(Security, ignoreCase: true);
        return new MailServerOptions
        {
            Server = Server,
            Port = Port != 0 ? Port : MailServerOptions.DefaultPort(Protocol, security),
            Security = security,
            Credential = Credential?.GetNetworkCredential(),
            AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
            Tls = Trust(),
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            Retry = new RetryPolicy { MaxRetries = RetryCount, BaseDelay = TimeSpan.FromSeconds(RetryDelaySec) },
        };
    }
}
