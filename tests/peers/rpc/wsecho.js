// WebSocket echo peer (npm ws) for PSNetTools tests: echoes text as text and binary as binary on 127.0.0.1.
// Usage: node wsecho.js PORT   (accepts the 'echo' subprotocol when offered; maxPayload 1 MiB, so larger messages get 1009)
const { WebSocketServer } = require('ws');
const port = Number(process.argv[2] || 3800);
const server = new WebSocketServer({
  host: '127.0.0.1',
  port,
  maxPayload: 1024 * 1024,
  handleProtocols: protocols => (protocols.has('echo') ? 'echo' : false),
});
server.on('connection', ws => {
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? null : data.toString();
    // 'close-now' makes the server end the connection without a close handshake (a vanished server).
    if (text === 'close-now') return ws.terminate();
    if (text === 'push3') return [1, 2, 3].forEach(i => ws.send(`push ${i}`));
    ws.send(data, { binary: isBinary });
  });
});
server.on('listening', () => console.log('ready'));
