using System.Management.Automation;
using PSNetTools.Mail;
using PSNetTools.Resilience;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Mail;

/// <summary>Turns the connection parameters the mail cmdlets share into engine options.</summary>
internal static class MailParameters
{
    public static MailServerOptions Options(
        string server, int port, string security, PSCredential? credential, bool allowUnencrypted, bool skipCertificateCheck,
        double timeoutSec, int retryCount, double retryDelaySec)
    {
        return new MailServerOptions
        {
            Server = server,
            Port = port,
            Security = Enum.Parse<MailSecurity>(security, ignoreCase: true),
            Credential = credential?.GetNetworkCredential(),
            AllowUnencryptedAuthentication = allowUnencrypted,
            SkipCertificateCheck = skipCertificateCheck,
            Timeout = TimeSpan.FromSeconds(timeoutSec),
            Retry = new RetryPolicy { MaxRetries = retryCount, BaseDelay = TimeSpan.FromSeconds(retryDelaySec) },
        };
    }

    /// <summary>The well-known port for a security mode when the user gave none.</summary>
    public static int DefaultPort(string security, int plainPort, int tlsPort) => string.Equals(security, "SslOnConnect", StringComparison.OrdinalIgnoreCase) ? tlsPort : plainPort;

    /// <summary>
    /// Where the work's mail logging goes: the protocol transcript (dozens of lines a message) to Debug, and only when
    /// -Debug is on (building it costs something); the steps worth knowing to Verbose; retries to Warning.
    /// </summary>
    public static MailServerOptions LoggingTo(this MailServerOptions options, PipelineSink sink, bool transcript, bool warnRetries) => options with
    {
        Log = transcript ? sink.WriteDebug : null,
        Status = sink.WriteVerbose,
        Warn = warnRetries ? sink.WriteWarning : null,
    };

}
