using PSNetTools.Infrastructure;
using PSNetTools.Mail;

namespace PSNetTools.Commands.Mail;

internal static class MailParameters
{
    /// <summary>
    /// Where the work's mail logging goes: the protocol transcript (dozens of lines a message) to Debug, and only when
    /// -Debug is on (building it costs something); the steps worth knowing to Verbose; retries to Warning.
    /// </summary>
    public static MailServerOptions LoggingTo(this MailServerOptions options, PipelineSink sink, bool transcript) => options with
    {
        Log = transcript ? sink.WriteDebug : null,
        Status = sink.WriteVerbose,
        Warn = sink.WriteWarning,
    };
}
