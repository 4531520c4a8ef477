using MimeKit;

namespace PSNetTools.Mail;

/// <summary>
/// A validated, composed message ready to send: what a what-if shows (recipients, size) without sending. Holds the
/// attachment files open until disposed, so they are streamed from disk during the send.
/// </summary>
public sealed class PreparedMail : IDisposable
{
    private readonly List<Stream> _attachmentStreams;

    internal PreparedMail(MimeMessage message, List<Stream> attachmentStreams, IReadOnlyList<string> recipients, int attachmentCount)
    {
        Message = message;
        _attachmentStreams = attachmentStreams;
        Recipients = recipients;
        AttachmentCount = attachmentCount;
        SizeBytes = MeasureSize(message);
    }

    public string MessageId => Message.MessageId ?? "";

    public string From => Message.From.ToString();

    public string Subject => Message.Subject ?? "";

    /// <summary>Every envelope recipient: To, Cc, then Bcc.</summary>
    public IReadOnlyList<string> Recipients { get; }

    public int AttachmentCount { get; }

    /// <summary>The size on the wire: headers plus the encoded body and attachments.</summary>
    public long SizeBytes { get; }

    internal MimeMessage Message { get; }

    public void Dispose()
    {
        foreach (var s in _attachmentStreams) s.Dispose();
        _attachmentStreams.Clear();
    }

    private static long MeasureSize(MimeMessage message)
    {
        using var counter = new CountingStream();
        message.WriteTo(FormatOptions.Default, counter);
        return counter.Count;
    }

    // Counts what would be written; the attachment content is read (and encoded) but nothing is kept.
    private sealed class CountingStream : Stream
    {
        public long Count { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Count;
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Count += count;
        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;
    }
}
