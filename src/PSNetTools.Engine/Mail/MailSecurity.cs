namespace PSNetTools.Mail;

/// <summary>How a mail connection is secured.</summary>
public enum MailSecurity
{
    /// <summary>Implicit TLS on the well-known TLS ports (465, 993, 995), otherwise STARTTLS when the server offers it.</summary>
    Auto,

    /// <summary>No TLS at all.</summary>
    None,

    /// <summary>Plain connect, then STARTTLS (STLS for POP3); fails if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, IMAPS, POP3S).</summary>
    SslOnConnect,
}

/// <summary>Which mail protocol a connection speaks (it decides the default port).</summary>
public enum MailProtocol
{
    Smtp,
    Imap,
    Pop3,
}

/// <summary>Message priority, written as the Priority, Importance and X-Priority headers.</summary>
public enum MailPriority
{
    Normal,
    Low,
    High,
}
