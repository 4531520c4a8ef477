using System.Net.WebSockets;

namespace PSNetTools.WebSockets;

internal static class CloseEcho
{
    /// <summary>
    /// RFC 6455 §5.5.1: the answer to a Close this side did not start echoes the peer's code (3000 was answered with
    /// 1000), and a Close without a code is answered without one. Both the echo server and the client answer this way.
    /// </summary>
    public static Task AnswerCloseAsync(this WebSocket socket, CancellationToken cancellationToken) =>
        socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.Empty, socket.CloseStatus is null ? null : "", cancellationToken);
}
