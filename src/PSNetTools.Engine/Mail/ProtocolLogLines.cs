using System.Text;
using System.Text.RegularExpressions;

namespace PSNetTools.Mail;

/// <summary>
/// The stream MailKit's ProtocolLogger writes to: cuts it into lines for a debug stream. MailKit already masks what its
/// secret detector finds; this is the second belt: any client line that logs in (SMTP AUTH, IMAP LOGIN/AUTHENTICATE,
/// POP3 USER/PASS/APOP/AUTH) keeps only its command and mechanism, so no mechanism MailKit misses can leak a password.
/// </summary>
internal sealed partial class ProtocolLogLines : Stream
{
    private readonly Action<string> _log;
    private readonly MemoryStream _pending = new();
    private bool _inAuthExchange;

    public ProtocolLogLines(Action<string> log) => _log = log;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_pending)
        {
            foreach (var b in buffer)
            {
                if (b == (byte)'\n')
                {
                    Emit();
                }
                else if (b != (byte)'\r')
                {
                    _pending.WriteByte(b);
                }
            }
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_pending)
            {
                if (_pending.Length > 0) Emit();
            }
            _pending.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Emit()
    {
        var line = Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length);
        _pending.SetLength(0);
        _log(Redact(line));
    }

    internal string Redact(string line)
    {
        if (line.StartsWith("C: ", StringComparison.Ordinal))
        {
            var command = line[3..];
            var m = LoginCommand().Match(command);
            if (m.Success)
            {
                // "AUTH LOGIN" matches with LOGIN as the verb, so look at the first two words for the exchange.
                _inAuthExchange = command.Split(' ', 3).Take(2).Any(t => t.Equals("AUTH", StringComparison.OrdinalIgnoreCase) || t.Equals("AUTHENTICATE", StringComparison.OrdinalIgnoreCase));
                return "C: " + m.Groups["keep"].Value + " ********";
            }
            // Client lines inside an AUTH exchange are base64 credentials.
            if (_inAuthExchange) return "C: ********";
            return line;
        }
        if (line.StartsWith("S: ", StringComparison.Ordinal) && _inAuthExchange && !line.StartsWith("S: +", StringComparison.Ordinal) && !line.StartsWith("S: 334", StringComparison.Ordinal))
        {
            _inAuthExchange = false;
        }
        return line;
    }

    // SMTP "AUTH PLAIN x", POP3 "USER x"/"PASS x"/"APOP x y"/"AUTH PLAIN", IMAP "A1 LOGIN u p"/"A1 AUTHENTICATE PLAIN x".
    [GeneratedRegex(@"^(?<keep>(?:[A-Za-z0-9]+ )?(?<verb>AUTH|AUTHENTICATE|LOGIN|PASS|USER|APOP)(?: [A-Za-z0-9_-]+(?= ))?)\b.*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LoginCommand();
}
