// The third-party side of bench/grpc: N sequential unary calls on one grpc-js channel, as a loop a Node.js user
// would write with a generated-at-runtime stub (proto-loader). Prints "N calls in S s".
// Usage: node grpc/grpc-bench.js 127.0.0.1:PORT calculator|greeter N
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [address, kind = 'calculator', countText = '1000'] = process.argv.slice(2);
const count = Number(countText);
const repo = path.resolve(__dirname, '..', '..', '..', '..');
const calculator = kind === 'calculator';
const file = calculator ? path.join(repo, 'protos', 'calculator.proto') : path.join(__dirname, 'greeter.proto');
const proto = grpc.loadPackageDefinition(loader.loadSync(file, { keepCase: true }));
const Service = calculator ? proto.calculator.Calculator : proto.demo.v1.Greeter;
const client = new Service(address, grpc.credentials.createInsecure());
const call = i => new Promise((resolve, reject) => {
  const done = (e, r) => (e ? reject(e) : resolve(r));
  if (calculator) client.Add({ a: i, b: 1 }, done); else client.SayHello({ name: `n${i}` }, done);
});

(async () => {
  for (let i = 0; i < 10; i++) await call(i); // warm the channel, as the PowerShell side does
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const r = await call(i);
    if (calculator && r.result !== i + 1) throw new Error(`wrong result ${r.result} for ${i}`);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${count} calls in ${seconds.toFixed(3)} s`);
  client.close();
})().catch(e => { console.error(e.message); process.exit(1); });
