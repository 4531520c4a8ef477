// WebSocket flood peer (npm ws) for PSNetTools tests: on every connection, sends numbered text messages of SIZE bytes
// as fast as the client reads them, forever. It waits while 1 MiB is unsent, so a client that stops reading stops it
// (TCP backpressure): memory growth then shows in the client only if the client itself buffers without bound.
// Usage: node wsflood.js PORT [SIZE]
const { WebSocketServer } = require('ws');
const port = Number(process.argv[2] || 3801);
const size = Number(process.argv[3] || 512);
const server = new WebSocketServer({ host: '127.0.0.1', port });
server.on('connection', ws => {
  const filler = 'x'.repeat(size);
  let n = 0;
  const flood = () => {
    while (ws.readyState === ws.OPEN && ws.bufferedAmount < 1024 * 1024) ws.send(`${++n} ${filler}`);
    if (ws.readyState === ws.OPEN) setTimeout(flood, 1);
  };
  ws.on('error', () => {});
  flood();
});
server.on('listening', () => console.log('ready'));
