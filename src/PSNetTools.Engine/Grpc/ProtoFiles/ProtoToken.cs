namespace PSNetTools.Grpc.ProtoFiles;

internal enum ProtoTokenKind
{
    End,
    Identifier,
    Integer,
    Float,
    String,
    Symbol,
}

/// <summary>One token; <see cref="Text"/> is the source text except for strings, whose <see cref="Bytes"/> hold the unescaped value.</summary>
internal sealed record ProtoToken(ProtoTokenKind Kind, string Text, int Line, int Column, byte[]? Bytes = null)
{
    public override string ToString() => Kind switch
    {
        ProtoTokenKind.End => "end of file",
        ProtoTokenKind.String => "string literal",
        _ => $"\"{Text}\"",
    };
}
