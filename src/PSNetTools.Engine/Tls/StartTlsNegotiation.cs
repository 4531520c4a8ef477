using System.Text;

namespace PSNetTools.Tls;

/// <summary>The plain-text exchange that asks a mail server to switch to TLS (SMTP STARTTLS, IMAP STARTTLS, POP3 STLS).</summary>
public static class StartTlsNegotiation
{
    public static IReadOnlyList<string> Protocols { get; } = ["Smtp", "Imap", "Pop3"];

    /// <summary>A <see cref="TlsInspectionOptions.BeforeHandshake"/> step for <paramref name="protocol"/> (Smtp, Imap or Pop3).</summary>
    public static Func<Stream, CancellationToken, Task> For(string protocol) => protocol?.ToUpperInvariant() switch
    {
        "SMTP" => SmtpAsync,
        "IMAP" => ImapAsync,
        "POP3" => Pop3Async,
        _ => throw new ArgumentException($"'{protocol}' is not a STARTTLS protocol; use Smtp, Imap or Pop3.", nameof(protocol)),
    };

    private static async Task SmtpAsync(Stream stream, CancellationToken ct)
    {
        Expect(await ReadSmtpReplyAsync(stream, ct).ConfigureAwait(false), "220", "SMTP greeting");
        await WriteAsync(stream, "EHLO psnettools.local", ct).ConfigureAwait(false);
        var ehlo = await ReadSmtpReplyAsync(stream, ct).ConfigureAwait(false);
        Expect(ehlo, "250", "EHLO");
        if (!ehlo.Any(l => l.Length > 4 && l[4..].Trim().Equals("STARTTLS", StringComparison.OrdinalIgnoreCase)))
        {
            throw new StartTlsException("the SMTP server does not offer STARTTLS (not in its EHLO answer); it may use implicit TLS (port 465) instead.");
        }
        await WriteAsync(stream, "STARTTLS", ct).ConfigureAwait(false);
        Expect(await ReadSmtpReplyAsync(stream, ct).ConfigureAwait(false), "220", "STARTTLS");
    }

    private static async Task ImapAsync(Stream stream, CancellationToken ct)
    {
        var greeting = await ReadLineAsync(stream, ct).ConfigureAwait(false);
        if (!greeting.StartsWith("* OK", StringComparison.OrdinalIgnoreCase)) throw new StartTlsException($"unexpected IMAP greeting: {greeting}");
        await WriteAsync(stream, "a1 CAPABILITY", ct).ConfigureAwait(false);
        var capabilities = await ReadTaggedAsync(stream, "a1", ct).ConfigureAwait(false);
        if (!capabilities.Any(l => l.Split(' ').Contains("STARTTLS", StringComparer.OrdinalIgnoreCase)) && !greeting.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase))
        {
            throw new StartTlsException("the IMAP server does not offer STARTTLS; it may use implicit TLS (port 993) instead.");
        }
        await WriteAsync(stream, "a2 STARTTLS", ct).ConfigureAwait(false);
        var done = (await ReadTaggedAsync(stream, "a2", ct).ConfigureAwait(false))[^1];
        if (!done.StartsWith("a2 OK", StringComparison.OrdinalIgnoreCase)) throw new StartTlsException($"the IMAP server refused STARTTLS: {done}");
    }

    private static async Task Pop3Async(Stream stream, CancellationToken ct)
    {
        var greeting = await ReadLineAsync(stream, ct).ConfigureAwait(false);
        if (!greeting.StartsWith("+OK", StringComparison.Ordinal)) throw new StartTlsException($"unexpected POP3 greeting: {greeting}");
        await WriteAsync(stream, "CAPA", ct).ConfigureAwait(false);
        var first = await ReadLineAsync(stream, ct).ConfigureAwait(false);
        var capabilities = new List<string>();
        if (first.StartsWith("+OK", StringComparison.Ordinal))
        {
            for (var line = await ReadLineAsync(stream, ct).ConfigureAwait(false); line != "."; line = await ReadLineAsync(stream, ct).ConfigureAwait(false)) capabilities.Add(line);
        }
        if (!capabilities.Any(c => c.Trim().Equals("STLS", StringComparison.OrdinalIgnoreCase)))
        {
            throw new StartTlsException("the POP3 server does not offer STLS; it may use implicit TLS (port 995) instead.");
        }
        await WriteAsync(stream, "STLS", ct).ConfigureAwait(false);
        var answer = await ReadLineAsync(stream, ct).ConfigureAwait(false);
        if (!answer.StartsWith("+OK", StringComparison.Ordinal)) throw new StartTlsException($"the POP3 server refused STLS: {answer}");
    }

    private static void Expect(List<string> reply, string code, string step)
    {
        if (reply.Count == 0 || !reply[^1].StartsWith(code, StringComparison.Ordinal)) throw new StartTlsException($"the server answered {step} with: {string.Join(" / ", reply)}");
    }

    // SMTP replies continue with "250-" and end with "250 ".
    private static async Task<List<string>> ReadSmtpReplyAsync(Stream stream, CancellationToken ct)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(stream, ct).ConfigureAwait(false);
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-') return lines;
        }
    }

    private static async Task<List<string>> ReadTaggedAsync(Stream stream, string tag, CancellationToken ct)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(stream, ct).ConfigureAwait(false);
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal)) return lines;
        }
    }

    private static Task WriteAsync(Stream stream, string command, CancellationToken ct) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), ct).AsTask();

    // One byte at a time: nothing after the server's last line may be consumed, the TLS handshake starts right there.
    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        var bytes = new List<byte>(128);
        var one = new byte[1];
        while (bytes.Count < 8192)
        {
            if (await stream.ReadAsync(one, ct).ConfigureAwait(false) == 0) throw new StartTlsException("the server closed the connection during the STARTTLS exchange.");
            if (one[0] == '\n') break;
            if (one[0] != '\r') bytes.Add(one[0]);
        }
        return Encoding.ASCII.GetString([.. bytes]);
    }
}

/// <summary>The server would not switch to TLS, or did not speak the expected protocol.</summary>
public sealed class StartTlsException : IOException
{
    public StartTlsException()
    {
    }

    public StartTlsException(string message)
        : base(message)
    {
    }

    public StartTlsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
