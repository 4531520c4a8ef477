// gRPC peer (npm @grpc/grpc-js) for the PSNetTools tests and benchmarks, on 127.0.0.1 only.
// Usage: node grpc/grpc-server.js PORT [tls CERT KEY [CLIENT_CA]]   (PORT 0 picks a free port; prints "grpc ready on PORT")
//   CLIENT_CA: mutual TLS, a client certificate signed by that CA is required.
//   tls without CERT KEY uses /tmp/psnettools-peers/certs/selfsigned.crt/.key (generate with tests/peers/certs.sh).
// Serves:
//   demo.v1.Greeter      (greeter.proto)     SayHello unary, StreamHellos server streaming, CollectHellos client
//                                            streaming, Chat bidi
//   test.v1.KitchenSink  (kitchensink.proto) Echo/EchoStream pass the request BYTES back untouched (byte-exact,
//                                            unknown fields included); Fail, Slow, Sum (see the .proto)
//   grpc.reflection.v1 and grpc.reflection.v1alpha ServerReflection (@grpc/reflection) over greeter.proto,
//                                            kitchensink.proto and health.proto, with their google/protobuf imports
//   grpc.health.v1.Health (grpc-health-check): '' / demo.v1.Greeter / test.v1.KitchenSink SERVING,
//                                            down.Service NOT_SERVING, anything else NOT_FOUND
// Metadata: Echo and EchoStream send every request metadata entry whose key starts with "x-" back as response
// headers, plus x-request-encoding (the request's grpc-encoding: gzip when the client compressed it) and
// x-request-authority (the :authority the client sent), and the trailer "x-trailer: echo". Fail sends the trailer
// "x-fail-code: CODE".
'use strict';
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const { ReflectionService } = require('@grpc/reflection');
const { HealthImplementation } = require('grpc-health-check');

const greeterProto = path.join(__dirname, 'greeter.proto');
const kitchenProto = path.join(__dirname, 'kitchensink.proto');
const healthProto = require.resolve('grpc-health-check/proto/health/v1/health.proto');
// Options for the handlers that decode (Greeter, Fail, Slow, Sum): proto names, 64-bit as strings, enums as names.
const options = { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true };
const proto = grpc.loadPackageDefinition(loader.loadSync([greeterProto, kitchenProto], options));

const server = new grpc.Server();

server.addService(proto.demo.v1.Greeter.service, {
  SayHello: (call, cb) => cb(null, { message: 'Hello ' + call.request.name }),
  StreamHellos: call => {
    for (let i = 0; i < (call.request.count || 3); i++) call.write({ message: `Hello ${call.request.name} #${i}` });
    call.end();
  },
  CollectHellos: (call, cb) => {
    const names = [];
    call.on('data', r => names.push(r.name));
    call.on('end', () => cb(null, { message: 'Hello ' + names.join(',') }));
  },
  Chat: call => {
    call.on('data', r => call.write({ message: 'Hello ' + r.name }));
    call.on('end', () => call.end());
  },
});

// Echo and EchoStream: a copy of the generated definition whose request and response (de)serializers are the
// identity, so the handler sees the raw message bytes and returns them unchanged.
const passThrough = { requestDeserialize: b => b, responseSerialize: b => b };
const kitchen = Object.assign({}, proto.test.v1.KitchenSink.service);
kitchen.Echo = Object.assign({}, kitchen.Echo, passThrough);
kitchen.EchoStream = Object.assign({}, kitchen.EchoStream, passThrough);

// grpc-js keeps the request's grpc-encoding to itself (it decompresses before the handler sees a byte): it is on the
// innermost server call of the handler's call chain.
function requestEncoding(call) {
  for (let c = call.call; c; c = c.nextCall) if (typeof c.incomingEncoding === 'string') return c.incomingEncoding;
  return 'unknown';
}

function echoHeaders(call) {
  const headers = new grpc.Metadata();
  for (const key of Object.keys(call.metadata.getMap())) {
    if (key.startsWith('x-')) for (const v of call.metadata.get(key)) headers.add(key, v);
  }
  headers.set('x-request-encoding', requestEncoding(call));
  headers.set('x-request-authority', call.getHost ? String(call.getHost()) : '');
  call.sendMetadata(headers);
}

function trailer(key, value) {
  const md = new grpc.Metadata();
  md.set(key, value);
  return md;
}

server.addService(kitchen, {
  Echo: (call, cb) => {
    echoHeaders(call);
    cb(null, call.request, trailer('x-trailer', 'echo'));
  },
  EchoStream: call => {
    echoHeaders(call);
    for (let i = 0; i < 3; i++) call.write(call.request);
    call.end(trailer('x-trailer', 'echo'));
  },
  Fail: (call, cb) => {
    const code = call.request.code | 0;
    if (code === 0) return cb(null, {});
    cb({ code, details: call.request.detail || '', metadata: trailer('x-fail-code', String(code)) });
  },
  Slow: (call, cb) => {
    const timer = setTimeout(() => cb(null, {}), Math.max(0, call.request.delay_ms | 0));
    // A cancelled call (client cancel, deadline, closed connection) stops the wait and sends nothing.
    call.on('cancelled', () => clearTimeout(timer));
  },
  Sum: (call, cb) => {
    let total = 0n;
    call.on('data', r => { total += BigInt(r.a | 0) + BigInt(r.b | 0); });
    call.on('end', () => cb(null, { total: total.toString() }));
  },
});

// Reflection needs the descriptors with their imports (google/protobuf/*.proto come from proto-loader's copies).
new ReflectionService(loader.loadSync([greeterProto, kitchenProto, healthProto], { keepCase: true })).addToServer(server);

new HealthImplementation({
  '': 'SERVING',
  'demo.v1.Greeter': 'SERVING',
  'test.v1.KitchenSink': 'SERVING',
  'down.Service': 'NOT_SERVING',
}).addToServer(server);

const port = process.argv[2] || '3900';
let creds = grpc.ServerCredentials.createInsecure();
if (process.argv[3] === 'tls') {
  const certs = '/tmp/psnettools-peers/certs';
  const cert = process.argv[4] || path.join(certs, 'selfsigned.crt');
  const key = process.argv[5] || path.join(certs, 'selfsigned.key');
  const clientCa = process.argv[6] ? fs.readFileSync(process.argv[6]) : null;
  creds = grpc.ServerCredentials.createSsl(clientCa, [{ cert_chain: fs.readFileSync(cert), private_key: fs.readFileSync(key) }], clientCa !== null);
} else if (process.argv[3]) {
  console.error('usage: node grpc/grpc-server.js PORT [tls CERT KEY [CLIENT_CA]]');
  process.exit(2);
}

server.bindAsync('127.0.0.1:' + port, creds, (err, bound) => {
  if (err) {
    console.error('grpc bind failed: ' + err.message);
    process.exit(1);
  }
  console.log('grpc ready on ' + bound);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.tryShutdown(() => process.exit(0)));
