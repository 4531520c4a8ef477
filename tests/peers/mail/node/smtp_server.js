// npm smtp-server as the second SMTP implementation for the Send-Mail tests (plain; STARTTLS + AUTH required;
// implicit TLS + AUTH), so nothing depends on aiosmtpd's quirks. Every message received is written as a .eml file.
// Usage: node smtp_server.js CERT KEY OUTDIR PLAINPORT STARTTLSPORT TLSPORT [IDLEPORT]
// IDLEPORT: plain, and it drops a session idle for half a second (to test reconnecting).
const { SMTPServer } = require('smtp-server');
const fs = require('fs');
const path = require('path');
const [cert, key, outDir, plain, starttls, tls, idle] = process.argv.slice(2);
let n = 0;
const make = (port, options) => {
  const server = new SMTPServer({
    key: fs.readFileSync(key),
    cert: fs.readFileSync(cert),
    size: 100 * 1024 * 1024,
    // No reverse DNS of each client: on loopback it only adds a lookup per connection.
    disableReverseLookup: true,
    onAuth(auth, session, cb) {
      return auth.username === 'tester' && auth.password === 'secret' ? cb(null, { user: 'tester' }) : cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const file = path.join(outDir, `${Date.now()}-${process.pid}-${++n}.eml`);
      const out = fs.createWriteStream(file);
      stream.pipe(out);
      stream.on('end', () => out.end(() => cb(null, 'queued as ' + path.basename(file))));
    },
    ...options,
  });
  server.on('error', e => console.error('smtp-server', port, e.message));
  server.listen(Number(port), '127.0.0.1');
};
make(plain, { authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'] });
make(starttls, { authOptional: false });
make(tls, { secure: true, authOptional: false });
if (idle) make(idle, { authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], socketTimeout: 500 });
console.log('ready');
