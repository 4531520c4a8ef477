using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using PSNetTools.Net;
using PSNetTools.Resilience;

namespace PSNetTools.Mail;

/// <summary>Connects and logs in any MailKit client the same way: timeouts, TLS policy, redacted log, retries, clear errors.</summary>
internal static class MailConnector
{
    public static async Task ConnectAsync(MailService client, MailServerOptions options, CancellationToken cancellationToken)
    {
        // Read as every target of the module is: 256.0.0.1 is not an address, and no name to send to DNS.
        if (TargetSpec.NotAnAddress(options.Server) is { } invalid)
        {
            throw new MailException(new TargetFailure(options.Endpoint, ErrorIds.InvalidTarget, FailureKind.InvalidTarget, invalid), true);
        }
        client.Timeout = (int)Math.Clamp(options.Timeout.TotalMilliseconds, 1, int.MaxValue);
        if (options.Tls.Callback is { } validate) client.ServerCertificateValidationCallback = validate;
        if (options.Tls.ClientCertificates() is { } certificates) client.ClientCertificates = certificates;
        // Only mechanisms that send the password in a form we can redact and every server has; XOAUTH2 needs a token, not a password.
        client.AuthenticationMechanisms.Remove("XOAUTH2");

        var retry = options.Retry with { IsTransient = IsTransient };
        await retry.ExecuteAsync<bool>(async (attempt, ct) =>
        {
            if (client.IsConnected) await DisconnectQuietlyAsync(client).ConfigureAwait(false);
            await ConnectOnceAsync(client, options, ct).ConfigureAwait(false);
            return true;
        }, (attempt, ex, delay) => options.Warn?.Invoke($"{options.Endpoint}: attempt {attempt} failed ({ex.Message}); retrying in {delay.TotalSeconds:0.0} s."), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What was negotiated, for the output objects.</summary>
    public static MailSecurity Negotiated(MailService client, MailServerOptions options)
    {
        if (!client.IsSecure) return MailSecurity.None;
        return ImplicitTlsDetection.IsImplicitTls(client) ? MailSecurity.SslOnConnect : MailSecurity.StartTls;
    }

    public static async Task DisconnectQuietlyAsync(MailService client)
    {
        if (!client.IsConnected) return;
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.DisconnectAsync(true, quit.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ProtocolException or CommandException or InvalidOperationException)
        {
            // The server is gone or misbehaving; the socket is closed either way.
        }
    }

    /// <summary>Turns what MailKit and the socket layer throw into a <see cref="MailException"/> that says what to do.</summary>
    public static MailException Translate(Exception ex, MailServerOptions options, bool timedOut)
    {
        var target = options.Endpoint;
        if (ex is MailException mail) return mail;
        if (timedOut || ex is TimeoutException || ex is OperationCanceledException)
        {
            return new MailException(Failures.TimedOut(target, options.Timeout, ex), true);
        }
        return ex switch
        {
            // Before the handshake cases: in TLS 1.3 the refusal comes on the first read, which MailKit reports as I/O.
            _ when Failures.From(target, ex) is { ErrorId: ErrorIds.ClientCertificateRequired } required => new MailException(required, true),
            SslHandshakeException { ServerCertificate: not null } ssl =>
                new MailException(new TargetFailure(target, ErrorIds.CertificateUntrusted, FailureKind.TlsFailure,
                    $"{target}: the server's certificate is not trusted ({FirstLine(ssl.Message)}).", ex), true),
            SslHandshakeException ssl =>
                new MailException(new TargetFailure(target, ErrorIds.TlsFailed, FailureKind.TlsFailure,
                    $"{target}: TLS handshake failed ({(ssl.InnerException is { } inner ? FailureText.Of(inner) : FirstLine(ssl.Message))}) with security {options.Security}.", ex), true),
            MailKit.Security.AuthenticationException =>
                new MailException(new TargetFailure(target, ErrorIds.AuthenticationFailed, FailureKind.AuthenticationFailed,
                    $"{target} rejected the login of '{options.Credential?.UserName}'.", ex), true),
            NotSupportedException when options.Security == MailSecurity.StartTls =>
                new MailException(new TargetFailure(target, "StartTlsNotSupported", FailureKind.TlsFailure,
                    $"{target} does not offer STARTTLS.", ex), true),
            SocketException s =>
                new MailException(Failures.From(target, s, options.Timeout), true),
            IOException { InnerException: SocketException s } =>
                new MailException(Failures.From(target, s, options.Timeout), true),
            ProtocolException or IOException =>
                new MailException(new TargetFailure(target, ErrorIds.ProtocolError, FailureKind.ProtocolError,
                    $"{target} did not speak the expected protocol ({FailureText.Clean(FirstLine(ex.Message))}).", ex), true),
            SmtpCommandException { StatusCode: SmtpStatusCode.AuthenticationRequired } =>
                new MailException(new TargetFailure(target, ErrorIds.AuthenticationRequired, FailureKind.AuthenticationFailed,
                    $"{target} requires authentication.", ex), true),
            CommandException =>
                new MailException(new TargetFailure(target, "MailCommandFailed", FailureKind.ProtocolError, $"{target}: {FailureText.Clean(FirstLine(ex.Message))}", ex)),
            _ => new MailException(Failures.From(target, ex, options.Timeout), true),
        };
    }

    private static async Task ConnectOnceAsync(MailService client, MailServerOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            options.Status?.Invoke($"Connecting to {options.Endpoint} (security {options.Security}).");
            await ImplicitTlsDetection.ConnectAsync(client, options, timeout.Token).ConfigureAwait(false);
            options.Status?.Invoke(client.IsSecure
                ? $"Connected to {options.Endpoint} over {client.SslProtocol} ({client.SslCipherSuite})."
                : $"Connected to {options.Endpoint}, not encrypted.");
            if (options.Credential is { } credential)
            {
                if (!client.IsSecure && !options.AllowUnencryptedAuthentication)
                {
                    await DisconnectQuietlyAsync(client).ConfigureAwait(false);
                    throw new MailException(new TargetFailure(options.Endpoint, "UnencryptedAuthenticationRefused", FailureKind.PermissionDenied,
                        $"Refusing to send the password of '{credential.UserName}' to {options.Endpoint} over an unencrypted connection."), true);
                }
                await SingleLogin.AuthenticateAsync(client, credential, timeout.Token).ConfigureAwait(false);
                options.Status?.Invoke($"Authenticated as '{credential.UserName}' on {options.Endpoint}.");
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            await DisconnectQuietlyAsync(client).ConfigureAwait(false);
            throw Translate(ex, options, timedOut: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await DisconnectQuietlyAsync(client).ConfigureAwait(false);
            // MailKit wraps a TLS handshake cut off by our deadline in SslHandshakeException: that is still a timeout.
            throw Translate(ex, options, timedOut: timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested);
        }
    }

    // Refused connections and timeouts are worth another try; a wrong password or a TLS mismatch is not.
    private static bool IsTransient(Exception ex) => ex is MailException m ? m.Failure.IsTransient : TransientFailures.IsTransient(ex);

    private static string FirstLine(string text)
    {
        var i = text.IndexOf('\n', StringComparison.Ordinal);
        return (i < 0 ? text : text[..i]).Trim();
    }

    /// <summary>Attaches the redacted protocol log when the caller asked for one.</summary>
    public static T WithLog<T>(Func<IProtocolLogger, T> create, Func<T> createPlain, MailServerOptions options)
    {
        if (options.Log is not { } log) return createPlain();
        var logger = new ProtocolLogger(new ProtocolLogLines(log), leaveOpen: false) { LogTimestamps = false };
        return create(logger);
    }

    public static SmtpClient NewSmtp(MailServerOptions o) => WithLog(l => new SmtpClient(l), () => new SmtpClient(), o);

    public static ImapClient NewImap(MailServerOptions o) => WithLog(l => new ImapClient(l), () => new ImapClient(), o);

    public static Pop3Client NewPop3(MailServerOptions o) => WithLog(l => new Pop3Client(l), () => new Pop3Client(), o);
}
