using System.Management.Automation;
using PSNetTools.Engine.Mail;
using PSNetTools.Engine.Resilience;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Mail;

/// <summary>Turns the connection parameters the mail cmdlets share into engine options.</summary>
internal static class MailParameters
{
    public static MailServerOptions Options(
        string server, int port, string security, PSCredential? credential, bool allowUnencrypted, bool skipCertificateCheck,
        double timeoutSec, int retryCount, double retryDelaySec, bool verbose, Func<Action<string>> verboseWriter, Action<string>? warn)
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
            Log = verbose ? verboseWriter() : null,
            Warn = warn,
        };
    }

    /// <summary>The well-known port for a security mode when the user gave none.</summary>
    public static int DefaultPort(string security, int plainPort, int tlsPort) => string.Equals(security, "SslOnConnect", StringComparison.OrdinalIgnoreCase) ? tlsPort : plainPort;

    /// <summary>True when -Verbose is in effect for <paramref name="cmdlet"/> (building the protocol log costs something).</summary>
    public static bool IsVerbose(PSCmdlet cmdlet)
    {
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue("Verbose", out var v)) return v is SwitchParameter s ? s.IsPresent : v is true;
        var pref = cmdlet.SessionState.PSVariable.GetValue("VerbosePreference");
        return pref is ActionPreference p && p != ActionPreference.SilentlyContinue && p != ActionPreference.Ignore;
    }
}
