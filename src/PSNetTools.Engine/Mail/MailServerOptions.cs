using System.Net;
using PSNetTools.Net;
using PSNetTools.Resilience;

namespace PSNetTools.Mail;

/// <summary>Where and how to connect to an SMTP, IMAP or POP3 server.</summary>
public sealed record MailServerOptions
{
    public required string Server { get; init; }

    /// <summary>See <see cref="DefaultPort"/> for the port to use when the user names none.</summary>
    public required int Port { get; init; }

    public MailSecurity Security { get; init; } = MailSecurity.Auto;

    /// <summary>Null: no authentication.</summary>
    public NetworkCredential? Credential { get; init; }

    /// <summary>Allow the password to cross a connection that is not encrypted (off by default: refused with an error).</summary>
    public bool AllowUnencryptedAuthentication { get; init; }

    /// <summary>The roots trusted besides the system's, skipping the check, and a client certificate.</summary>
    public TlsTrust Tls { get; init; } = TlsTrust.Default;

    /// <summary>Bounds the connect, the TLS handshake, the login and every single command.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Applied to connecting and logging in; a failure after the server accepted the login is not retried.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>Receives the protocol conversation line by line, with credentials redacted (a debug transcript: dozens of lines a message).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Told of the few steps worth knowing (a verbose stream): connecting, TLS negotiated, logged in, sent, reconnecting.</summary>
    public Action<string>? Status { get; init; }

    /// <summary>Told of each retry.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>
    /// The one rule for the port of a mail server: the implicit-TLS port (465, 993, 995) for SslOnConnect; the plain
    /// port for None (25, 143, 110) and StartTls (587 for SMTP: submission, 143, 110). Auto reads with implicit TLS
    /// (993, 995: RFC 8314 prefers it, and every IMAP/POP3 provider offers it) but submits on 587, the port every
    /// SMTP provider offers (some, Office 365 among them, have no 465).
    /// </summary>
    public static int DefaultPort(MailProtocol protocol, MailSecurity security) => (protocol, security) switch
    {
        (MailProtocol.Smtp, MailSecurity.None) => 25,
        (MailProtocol.Smtp, MailSecurity.SslOnConnect) => 465,
        (MailProtocol.Smtp, _) => 587,
        (MailProtocol.Imap, MailSecurity.None or MailSecurity.StartTls) => 143,
        (MailProtocol.Imap, _) => 993,
        (MailProtocol.Pop3, MailSecurity.None or MailSecurity.StartTls) => 110,
        (MailProtocol.Pop3, _) => 995,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Not a mail protocol."),
    };

    /// <summary>"host:port" as shown in messages and as the TargetObject of errors.</summary>
    public string Endpoint => Server.Contains(':', StringComparison.Ordinal) ? $"[{Server}]:{Port}" : $"{Server}:{Port}";
}
