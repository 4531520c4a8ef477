using System.Net;
using MailKit;
using MailKit.Security;

namespace PSNetTools.Mail;

/// <summary>
/// Logs in with ONE attempt. MailKit's Authenticate(ICredentials) tries every SASL mechanism the server offers and then
/// the protocol's own LOGIN or USER/PASS: one wrong password became three failed logins at Dovecot (lockout and
/// fail2ban risk) and three auth-failure delays (2 s each by default), so a 5 s timeout reported a timeout instead of
/// the rejected password.
/// </summary>
internal static class SingleLogin
{
    // Strongest first; the transcript can redact all of them (the challenge-response ones never send the password).
    // -PLUS variants need channel binding, which MailKit only sets up inside its own loop; XOAUTH2 needs a token.
    private static readonly string[] Preferred = ["SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "NTLM"];

    public static Task AuthenticateAsync(MailService client, NetworkCredential credential, CancellationToken cancellationToken)
    {
        var offered = client.AuthenticationMechanisms;
        var name = Preferred.FirstOrDefault(m => offered.Contains(m) && SaslMechanism.IsSupported(m));
        if (name is not null && SaslMechanism.Create(name, credential) is { } mechanism) return client.AuthenticateAsync(mechanism, cancellationToken);
        // No SASL mechanism we would pick: IMAP's LOGIN, POP3's USER/PASS (or APOP), SMTP's "not supported". Still one
        // password attempt for IMAP and SMTP; POP3 may try APOP before USER/PASS when the greeting offers it.
        return client.AuthenticateAsync(credential, cancellationToken);
    }
}
