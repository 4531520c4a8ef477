using System.Net;
using PSNetTools.Resilience;

namespace PSNetTools.Mail;

/// <summary>Where and how to connect to an SMTP, IMAP or POP3 server.</summary>
public sealed record MailServerOptions
{
    public required string Server { get; init; }

    public required int Port { get; init; }

    public MailSecurity Security { get; init; } = MailSecurity.Auto;

    /// <summary>Null: no authentication.</summary>
    public NetworkCredential? Credential { get; init; }

    /// <summary>Allow the password to cross a connection that is not encrypted (off by default: refused with an error).</summary>
    public bool AllowUnencryptedAuthentication { get; init; }

    public bool SkipCertificateCheck { get; init; }

    /// <summary>Bounds the connect, the TLS handshake, the login and every single command.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Applied to connecting and logging in; a failure after the server accepted the login is not retried.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>Receives the protocol conversation line by line, with credentials redacted (for -Debug: dozens of lines a message).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Told of the few steps worth knowing (for -Verbose): connecting, TLS negotiated, logged in, sent, reconnecting.</summary>
    public Action<string>? Status { get; init; }

    /// <summary>Told of each retry.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>"host:port" as shown in messages and as the TargetObject of errors.</summary>
    public string Endpoint => Server.Contains(':', StringComparison.Ordinal) ? $"[{Server}]:{Port}" : $"{Server}:{Port}";
}
