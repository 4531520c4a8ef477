// gRPC flood peer (npm @grpc/grpc-js) for PSNetTools tests, on 127.0.0.1 only: demo.v1.Greeter (greeter.proto, with
// reflection) whose StreamHellos never ends: numbered replies "N <name>" as fast as the client takes them. It waits
// for 'drain' whenever grpc-js buffers, so a client that stops reading stops it (HTTP/2 flow control): memory growth
// then shows in the client only if the client itself buffers without bound. SayHello answers with the number of
// replies handed to grpc-js so far, over all streams.
// Usage: node grpc/grpc-flood.js PORT   (prints "grpc ready on PORT")
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const { ReflectionService } = require('@grpc/reflection');

const greeterProto = path.join(__dirname, 'greeter.proto');
const proto = grpc.loadPackageDefinition(loader.loadSync(greeterProto, { keepCase: true }));
const server = new grpc.Server();
let sent = 0;

server.addService(proto.demo.v1.Greeter.service, {
  SayHello: (call, cb) => cb(null, { message: String(sent) }),
  StreamHellos: call => {
    let n = 0;
    let open = true;
    call.on('cancelled', () => { open = false; });
    call.on('error', () => { open = false; });
    const flood = () => {
      while (open) {
        sent++;
        if (!call.write({ message: `${++n} ${call.request.name}` })) {
          call.once('drain', flood);
          return;
        }
      }
    };
    flood();
  },
  CollectHellos: (call, cb) => cb({ code: grpc.status.UNIMPLEMENTED }),
  Chat: call => call.end(),
});
new ReflectionService(loader.loadSync(greeterProto, { keepCase: true })).addToServer(server);

server.bindAsync('127.0.0.1:' + (process.argv[2] || '3901'), grpc.ServerCredentials.createInsecure(), (err, bound) => {
  if (err) {
    console.error('grpc bind failed: ' + err.message);
    process.exit(1);
  }
  console.log('grpc ready on ' + bound);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.tryShutdown(() => process.exit(0)));
