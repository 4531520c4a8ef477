using System.Globalization;
using System.Management.Automation;
using PSNetTools.Net;

namespace PSNetTools.Infrastructure;

/// <summary>
/// What to do about a failure, keyed by its ErrorId and written in terms of the parameters of the cmdlet that met it:
/// the engine does not know that a timeout is "-TimeoutSec" here and "-DeadlineSec" there, or that TLS is "-UseTls",
/// "-Plaintext", "-Security" or a wss:// URL. Null when there is nothing useful to add.
/// </summary>
public static class ErrorAdvice
{
    public static string? For(TargetFailure failure, PSCmdlet? cmdlet)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (cmdlet is null) return null;
        var c = new Context(cmdlet);
        return failure.ErrorId switch
        {
            ErrorIds.ConnectionRefused => c.Has("Port")
                ? "Check the host and -Port: nothing accepts connections there."
                : "Check the address and port: nothing accepts connections there.",
            ErrorIds.HostNotResolved => "Check the spelling of the name, or the DNS configuration.",
            ErrorIds.Timeout => Timeout(c),
            ErrorIds.CertificateUntrusted => CertificateUntrusted(c),
            ErrorIds.TlsFailed => TlsFailed(c),
            ErrorIds.ProtocolError => ProtocolError(c),
            ErrorIds.ConnectionClosed or ErrorIds.ConnectionReset => c.Bound("UseTls") ? "A plain-text port may close a TLS client: drop -UseTls." : null,
            ErrorIds.AuthenticationRequired => "Give -Credential.",
            ErrorIds.AuthenticationFailed => c.Has("Credential") ? "Check the user name and password given in -Credential." : null,
            "UnencryptedAuthenticationRefused" =>
                "Use -Security StartTls or SslOnConnect, or add -AllowUnencryptedAuthentication if you accept that anyone on the path can read the password.",
            "StartTlsNotSupported" => "Use -Security SslOnConnect for an implicit-TLS port (465, 993, 995), or -Security None for a plain server.",
            "MailFolderNotFound" => "Get-ImapFolder lists the folders.",
            "GrpcUnimplemented" => GrpcUnimplemented(failure, c),
            "PortInUse" => c.Has("Port")
                ? "Stop whatever listens there, or pick another -Port (0 picks a free one)."
                : "Stop whatever listens there, or pick another port.",
            "PingPayloadUnsupported" => c.Has("BufferSize")
                ? "Leave -BufferSize at its default (32), or give this process ICMP rights as the message says."
                : null,
            "ProtoImportNotFound" => c.Has("ImportPath")
                ? "Give the directory the imports are relative to with -ImportPath; a -DescriptorSet must be built with protoc --include_imports."
                : null,
            "TooManyRedirects" => "Raise -MaximumRedirection if the chain of redirects is legitimate.",
            "ReplyTooLarge" => c.Has("MaxReplyBytes")
                ? string.Create(CultureInfo.InvariantCulture, $"If the peer's replies are meant to be this large, raise -MaxReplyBytes (now {c.Value("MaxReplyBytes"):N0}).")
                : null,
            "MaxDepthExceeded" => c.Has("MaxDepth")
                ? string.Create(CultureInfo.InvariantCulture, $"If the server's answers are meant to nest this deep, raise -MaxDepth (now {c.Value("MaxDepth")}).")
                : null,
            _ => null,
        };
    }

    private static string? Timeout(Context c)
    {
        var limit = c.Has("DeadlineSec") ? "DeadlineSec" : c.Has("TimeoutSec") ? "TimeoutSec" : null;
        if (limit is null) return null;
        var raise = string.Create(CultureInfo.InvariantCulture, $"If the peer is slow, raise -{limit} (now {c.Value(limit)} s).");
        return c.TlsRequested ? raise + " A port without TLS also stays silent to a TLS client: " + c.PlainAdvice : raise;
    }

    private static string? GrpcUnimplemented(TargetFailure failure, Context c)
    {
        if (!c.Has("ProtoFile")) return null;
        // Reflection itself is what the server lacks: Get-GrpcService would fail the same way, only the files help.
        if (failure.Message.StartsWith("reflection", StringComparison.Ordinal))
        {
            return "The server offers no reflection: give its .proto files with -ProtoFile (and -ImportPath), or a descriptor set with -DescriptorSet.";
        }
        return c.Bound("ProtoFile") || c.Bound("DescriptorSet")
            ? "The server does not implement this method of the files given; if it offers reflection, Get-GrpcService without -ProtoFile lists what it implements."
            : "Get-GrpcService lists what the server offers.";
    }

    private static string? CertificateUntrusted(Context c)
    {
        if (c.Bound("SkipCertificateCheck")) return null;
        if (c.Bound("TrustedCertificate")) return "The certificate does not chain to a -TrustedCertificate given, or it is for another name than the one connected to.";
        if (c.Has("TrustedCertificate"))
        {
            return "For a server whose certificate a private or test CA issued (or a self-signed one), give that certificate with -TrustedCertificate; -SkipCertificateCheck accepts any certificate (it no longer verifies whom you talk to).";
        }
        return c.Has("SkipCertificateCheck")
            ? "For a server with a self-signed or private-CA certificate, add -SkipCertificateCheck (it no longer verifies whom you talk to)."
            : null;
    }

    private static string TlsFailed(Context c)
    {
        if (c.Has("Security")) return "Match -Security to the port: StartTls for 587, 143 and 110, SslOnConnect for 465, 993 and 995, None for a plain server.";
        return "If the server does not speak TLS, " + c.PlainAdvice;
    }

    private static string? ProtocolError(Context c)
    {
        if (c.Has("Security")) return "Check -Port and -Security: a TLS port needs -Security SslOnConnect, a plain one StartTls or None.";
        if (c.Has("Plaintext")) return c.Bound("Plaintext") ? "If the server speaks TLS, drop -Plaintext." : "Check that the address is a gRPC server.";
        if (c.Has("UseTls") && !c.TlsRequested) return "If the port speaks TLS, add -UseTls.";
        return c.Has("Uri") ? "Check that the URI is an endpoint of that protocol (scheme, port and path)." : null;
    }

    // Reads the cmdlet's parameters; work on the thread pool may ask while the pipeline thread binds the next record,
    // so a read that races a write counts as "not given" rather than failing the error it explains.
    private sealed class Context(PSCmdlet cmdlet)
    {
        public bool Has(string parameter) => Safe(() => cmdlet.MyInvocation.MyCommand?.Parameters.ContainsKey(parameter) == true);

        public bool Bound(string parameter) => Safe(() =>
            cmdlet.MyInvocation.BoundParameters.TryGetValue(parameter, out var v) && (v is not SwitchParameter s || s.IsPresent));

        public object? Value(string parameter) => cmdlet.GetType().GetProperty(parameter)?.GetValue(cmdlet);

        /// <summary>The user asked for TLS, by switch or by a parameter that implies it.</summary>
        public bool TlsRequested => Bound("UseTls") || (Has("UseTls") && ImpliedTls.Any(Bound));

        // The parameters that turn TLS on where -UseTls exists (Send-TcpMessage, Test-TcpEcho).
        private static readonly string[] ImpliedTls = ["ServerName", "SkipCertificateCheck", "TrustedCertificate", "ClientCertificate"];

        /// <summary>How to turn TLS off in this cmdlet.</summary>
        public string PlainAdvice =>
            Has("UseTls") ? (Bound("UseTls") ? "drop -UseTls." : ImpliedBy())
            : Has("Plaintext") ? "add -Plaintext."
            : Has("Uri") || Has("Url") ? "use ws:// or http:// instead of wss:// or https://."
            : "connect to a port that speaks TLS.";

        private string ImpliedBy()
        {
            var given = ImpliedTls.Where(Bound).Select(p => "-" + p).ToList();
            return given.Count switch
            {
                0 => "drop -UseTls.",
                1 => $"note that {given[0]} turns TLS on; drop it for a plain-text port.",
                _ => $"note that {string.Join(" and ", given)} turn TLS on; drop them for a plain-text port.",
            };
        }

        private static bool Safe(Func<bool> read)
        {
            try
            {
                return read();
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }
}
