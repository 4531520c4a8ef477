using System.Diagnostics;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using PSNetTools.Net;
using PSNetTools.Resilience;

namespace PSNetTools.Mail;

/// <summary>
/// Sends messages through one SMTP session: connects and logs in on the first message, keeps the connection for the
/// next ones, and reconnects only when the server has dropped it. Not thread-safe: one message at a time.
/// </summary>
public sealed class SmtpMailer : IAsyncDisposable, IDisposable
{
    private readonly MailServerOptions _options;
    private SmtpClient? _client;

    public SmtpMailer(MailServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>How many times a session was opened (1 for a whole pipeline unless the server dropped it).</summary>
    public int Connections { get; private set; }

    /// <summary>Validates and composes <paramref name="mail"/>; throws <see cref="MailException"/> naming the bad address or header.</summary>
    public static PreparedMail Prepare(OutgoingMail mail) => MailComposer.Compose(mail);

    /// <exception cref="MailException">Connecting, logging in or sending failed; <see cref="MailException.IsConnectionLevel"/> tells a dead session from a refused message.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SentMail> SendAsync(PreparedMail mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var watch = Stopwatch.StartNew();
        var retry = _options.Retry with { IsTransient = IsTransientSend };
        var response = await retry.ExecuteAsync(async (attempt, ct) =>
        {
            await EnsureConnectedAsync(ct).ConfigureAwait(false);
            try
            {
                return await SendOnceAsync(mail, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsDropped(ex) && !ct.IsCancellationRequested)
            {
                // The server closed an idle session (timeout, restart): one fresh session, then give up.
                _options.Status?.Invoke($"{_options.Endpoint}: the server dropped the session ({ex.Message}); reconnecting.");
                await ResetAsync().ConfigureAwait(false);
                await EnsureConnectedAsync(ct).ConfigureAwait(false);
                return await SendOnceAsync(mail, ct).ConfigureAwait(false);
            }
        }, (attempt, ex, delay) => _options.Warn?.Invoke($"Sending '{mail.Subject}' failed ({ex.Message}); retry {attempt} in {delay.TotalSeconds:0.0} s."),
        cancellationToken).ConfigureAwait(false);
        _options.Status?.Invoke($"Sent {mail.MessageId} to {mail.Recipients.Count} recipient(s): {response.Trim()}");

        return new SentMail
        {
            MessageId = mail.MessageId,
            From = mail.From,
            To = string.Join(", ", mail.Recipients),
            Subject = mail.Subject,
            SmtpServer = _options.Server,
            Port = _options.Port,
            Security = MailConnector.Negotiated(_client!, _options).ToString(),
            SizeBytes = mail.SizeBytes,
            ServerResponse = response,
            SentAt = DateTime.Now,
            DurationMs = watch.Elapsed.TotalMilliseconds,
            RecipientCount = mail.Recipients.Count,
            AttachmentCount = mail.AttachmentCount,
        };
    }

    /// <summary>Says goodbye (QUIT) to the server, if connected.</summary>
    public async Task DisconnectAsync()
    {
        if (_client is { } client) await MailConnector.DisconnectQuietlyAsync(client).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync().ConfigureAwait(false);
        Dispose();
    }

    public void Dispose()
    {
        _client?.Dispose();
        _client = null;
    }

    private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true }) return;
        await ResetAsync().ConfigureAwait(false);
        _client = MailConnector.NewSmtp(_options);
        Connections++;
        await MailConnector.ConnectAsync(_client, _options, cancellationToken).ConfigureAwait(false);
    }

    private async Task ResetAsync()
    {
        if (_client is null) return;
        await MailConnector.DisconnectQuietlyAsync(_client).ConfigureAwait(false);
        _client.Dispose();
        _client = null;
    }

    private async Task<string> SendOnceAsync(PreparedMail mail, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The per-command timeout (client.Timeout) bounds each read and write; this bounds a stuck send as a whole,
        // with room for large attachments (one timeout per MB on top).
        timeout.CancelAfter(_options.Timeout + (_options.Timeout * Math.Max(0, mail.SizeBytes / (1024 * 1024))));
        try
        {
            return await _client!.SendAsync(FormatOptions.Default, mail.Message, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            await ResetAsync().ConfigureAwait(false);
            throw MailConnector.Translate(ex, _options, timedOut: true);
        }
        catch (SmtpCommandException ex)
        {
            throw Rejected(ex, mail);
        }
        catch (ServiceNotAuthenticatedException ex)
        {
            throw new MailException(new TargetFailure(_options.Endpoint, ErrorIds.AuthenticationRequired, FailureKind.AuthenticationFailed,
                $"{_options.Endpoint} requires authentication ({ex.Message.Trim()}).", ex), true);
        }
    }

    private MailException Rejected(SmtpCommandException ex, PreparedMail mail)
    {
        var target = ex.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => ex.Mailbox?.Address ?? _options.Endpoint,
            SmtpErrorCode.SenderNotAccepted => ex.Mailbox?.Address ?? _options.Endpoint,
            _ => mail.Subject,
        };
        var what = ex.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => $"rejected the recipient {ex.Mailbox?.Address}",
            SmtpErrorCode.SenderNotAccepted => $"rejected the sender {ex.Mailbox?.Address}",
            _ => "rejected the message",
        };
        if (ex.StatusCode == SmtpStatusCode.AuthenticationRequired)
        {
            return new MailException(new TargetFailure(_options.Endpoint, ErrorIds.AuthenticationRequired, FailureKind.AuthenticationFailed,
                $"{_options.Endpoint} requires authentication.", ex), true);
        }
        return new MailException(new TargetFailure(target, "MailRejected", FailureKind.Rejected,
            $"{_options.Endpoint} {what}: {(int)ex.StatusCode} {ex.Message.Trim()}", ex));
    }

    // Failures reach here wrapped in a MailException; what decides is the cause. 421 is "closing the channel".
    private static bool IsDropped(Exception ex) =>
        ex is MailException { Failure.Exception: { } cause } ? IsDropped(cause) :
        ex is ServiceNotConnectedException || ex is IOException || ex is SocketException ||
        ex is SmtpProtocolException || ex is SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable };

    // 4xx answers are "try again later" by definition; a session reset mid-send is worth another session.
    private static bool IsTransientSend(Exception ex) => ex switch
    {
        MailException { Failure.Exception: SmtpCommandException c } => (int)c.StatusCode is >= 400 and < 500,
        // Connecting has its own retries (MailConnector); retrying it here too would multiply the attempts.
        MailException m => m.Failure.Kind is FailureKind.ConnectionReset,
        _ => TransientFailures.IsTransient(ex),
    };
}
