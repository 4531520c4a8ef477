// gRPC interop client cases on npm @grpc/grpc-js: the reference column of docs/conformance.md, run against
// interop/server.js (the same cases the module's tests run with its cmdlets), on 127.0.0.1 only.
// Usage: node interop/client.js HOST:PORT   prints one "case: passed|failed (why)" line each, then "N passed, N failed";
// exits 1 when a case failed. Written from grpc/grpc doc/interop-test-descriptions.md (section "Client").
// grpc-js shows a client neither whether a reply came compressed nor lets it compress one request of a call and
// not the next: server_compressed_* check what arrives, client_compressed_* compress every request of the call.
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const address = process.argv[2];
if (!address) {
  console.error('usage: node interop/client.js HOST:PORT');
  process.exit(2);
}
const options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [__dirname] };
const testing = grpc.loadPackageDefinition(loader.loadSync(path.join(__dirname, 'test.proto'), options)).grpc.testing;
const insecure = grpc.credentials.createInsecure();
const client = new testing.TestService(address, insecure);
const gzipClient = new testing.TestService(address, insecure, { 'grpc.default_compression_algorithm': 2 });
const unimplemented = new testing.UnimplementedService(address, insecure);

const zeros = n => Buffer.alloc(n);
const deadline = ms => ({ deadline: new Date(Date.now() + ms) });
function check(condition, why) {
  if (!condition) throw new Error(why);
}
const unary = (c, method, request, metadata, callOptions) => new Promise((resolve, reject) =>
  c[method](request, metadata || new grpc.Metadata(), callOptions || {}, (error, reply) => (error ? reject(error) : resolve(reply))));
const failure = promise => promise.then(() => { throw new Error('the call succeeded'); }, error => error);

function collect(call) {
  return new Promise((resolve, reject) => {
    const replies = [];
    call.on('data', r => replies.push(r));
    call.on('error', reject);
    call.on('end', () => resolve(replies));
  });
}

const special = '\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \uD83D\uDE08\t\n';
const cases = {
  empty_unary: async () => {
    const reply = await unary(client, 'EmptyCall', {});
    check(Object.keys(reply).length === 0, 'the reply is not empty');
  },
  large_unary: async () => {
    const reply = await unary(client, 'UnaryCall', { response_size: 314159, payload: { body: zeros(271828) } });
    check(reply.payload.body.length === 314159 && reply.payload.body.every(b => b === 0), 'wrong payload');
  },
  client_streaming: async () => {
    const total = await new Promise((resolve, reject) => {
      const call = client.StreamingInputCall((error, reply) => (error ? reject(error) : resolve(reply.aggregated_payload_size)));
      for (const n of [27182, 8, 1828, 45904]) call.write({ payload: { body: zeros(n) } });
      call.end();
    });
    check(total === 74922, `aggregated ${total}`);
  },
  server_streaming: async () => {
    const sizes = [31415, 9, 2653, 58979];
    const replies = await collect(client.StreamingOutputCall({ response_parameters: sizes.map(size => ({ size })) }));
    check(replies.map(r => r.payload.body.length).join() === sizes.join(), 'wrong sizes');
  },
  ping_pong: async () => {
    const pairs = [[27182, 31415], [8, 9], [1828, 2653], [45904, 58979]];
    const call = client.FullDuplexCall();
    const ended = collect(call);
    ended.catch(() => {});
    const next = () => new Promise((resolve, reject) => {
      call.once('data', resolve);
      call.once('error', reject);
    });
    for (const [request, response] of pairs) {
      const replied = next();
      call.write({ response_parameters: [{ size: response }], payload: { body: zeros(request) } });
      const reply = await replied;
      check(reply.payload.body.length === response, `reply of ${reply.payload.body.length}`);
    }
    call.end();
    await ended;
  },
  empty_stream: async () => {
    const call = client.FullDuplexCall();
    call.end();
    check((await collect(call)).length === 0, 'replies came');
  },
  status_code_and_message: async () => {
    const status = { code: 2, message: 'test status message' };
    const e = await failure(unary(client, 'UnaryCall', { response_status: status }));
    check(e.code === 2 && e.details === status.message, `unary: ${e.code} ${e.details}`);
    const call = client.FullDuplexCall();
    call.write({ response_status: status });
    call.end();
    const d = await failure(collect(call));
    check(d.code === 2 && d.details === status.message, `duplex: ${d.code} ${d.details}`);
  },
  special_status_message: async () => {
    const e = await failure(unary(client, 'UnaryCall', { response_status: { code: 2, message: special } }));
    check(e.code === 2 && e.details === special, `${e.code} ${JSON.stringify(e.details)}`);
  },
  unimplemented_method: async () => {
    const e = await failure(unary(client, 'UnimplementedCall', {}));
    check(e.code === grpc.status.UNIMPLEMENTED, `status ${e.code}`);
  },
  unimplemented_service: async () => {
    const e = await failure(unary(unimplemented, 'UnimplementedCall', {}));
    check(e.code === grpc.status.UNIMPLEMENTED, `status ${e.code}`);
  },
  custom_metadata: async () => {
    const metadata = () => {
      const md = new grpc.Metadata();
      md.set('x-grpc-test-echo-initial', 'test_initial_metadata_value');
      md.set('x-grpc-test-echo-trailing-bin', Buffer.from([0xab, 0xab, 0xab]));
      return md;
    };
    const seen = call => new Promise((resolve, reject) => {
      let initial;
      call.on('metadata', md => { initial = md.get('x-grpc-test-echo-initial')[0]; });
      call.on('status', s => resolve([initial, s.metadata.get('x-grpc-test-echo-trailing-bin')[0]]));
      call.on('error', () => {});
      setTimeout(() => reject(new Error('no status')), 10000);
    });
    const request = { response_size: 314159, payload: { body: zeros(271828) } };
    const u = client.UnaryCall(request, metadata(), () => {});
    const [i1, t1] = await seen(u);
    const d = client.FullDuplexCall(metadata());
    d.on('data', () => {});
    d.write({ response_parameters: [{ size: 314159 }], payload: { body: zeros(271828) } });
    d.end();
    const [i2, t2] = await seen(d);
    for (const [i, t] of [[i1, t1], [i2, t2]]) {
      check(i === 'test_initial_metadata_value' && Buffer.isBuffer(t) && t.equals(Buffer.from([0xab, 0xab, 0xab])), `echo ${i} ${t && t.toString('hex')}`);
    }
  },
  timeout_on_sleeping_server: async () => {
    const call = client.FullDuplexCall(deadline(1));
    call.write({ response_parameters: [{ size: 31415 }], payload: { body: zeros(27182) } });
    const e = await failure(collect(call));
    check(e.code === grpc.status.DEADLINE_EXCEEDED, `status ${e.code}`);
  },
  cancel_after_begin: async () => {
    const e = await new Promise(resolve => {
      const call = client.StreamingInputCall(error => resolve(error));
      call.cancel();
    });
    check(e && e.code === grpc.status.CANCELLED, `status ${e && e.code}`);
  },
  cancel_after_first_response: async () => {
    const call = client.FullDuplexCall();
    const ended = failure(collect(call));
    await new Promise(resolve => {
      call.once('data', resolve);
      call.write({ response_parameters: [{ size: 31415 }], payload: { body: zeros(27182) } });
    });
    call.cancel();
    const e = await ended;
    check(e.code === grpc.status.CANCELLED, `status ${e.code}`);
  },
  client_compressed_unary: async () => {
    const probe = { expect_compressed: { value: true }, response_size: 314159, payload: { body: zeros(271828) } };
    const e = await failure(unary(client, 'UnaryCall', probe));
    check(e.code === grpc.status.INVALID_ARGUMENT, `probe: status ${e.code}`);
    const reply = await unary(gzipClient, 'UnaryCall', probe);
    check(reply.payload.body.length === 314159, 'compressed request: wrong payload');
    const plain = await unary(client, 'UnaryCall', Object.assign({}, probe, { expect_compressed: { value: false } }));
    check(plain.payload.body.length === 314159, 'uncompressed request: wrong payload');
  },
  client_compressed_streaming: async () => {
    const stream = c => new Promise((resolve, reject) => {
      const call = c.StreamingInputCall((error, reply) => (error ? reject(error) : resolve(reply.aggregated_payload_size)));
      call.write({ expect_compressed: { value: true }, payload: { body: zeros(27182) } });
      call.write({ expect_compressed: { value: false }, payload: { body: zeros(45904) } });
      call.end();
    });
    const e = await failure(stream(client));
    check(e.code === grpc.status.INVALID_ARGUMENT, `probe: status ${e.code}`);
    check(await stream(gzipClient) === 73086, 'wrong sum');
  },
  server_compressed_unary: async () => {
    for (const value of [true, false]) {
      const reply = await unary(client, 'UnaryCall', { response_compressed: { value }, response_size: 314159, payload: { body: zeros(271828) } });
      check(reply.payload.body.length === 314159, `compressed ${value}: wrong payload`);
    }
  },
  server_compressed_streaming: async () => {
    const replies = await collect(client.StreamingOutputCall({ response_parameters: [{ compressed: { value: true }, size: 31415 }, { compressed: { value: false }, size: 92653 }] }));
    check(replies.map(r => r.payload.body.length).join() === '31415,92653', 'wrong sizes');
  },
};

(async () => {
  let passed = 0;
  let failed = 0;
  for (const [name, run] of Object.entries(cases)) {
    try {
      await run();
      passed++;
      console.log(`${name}: passed`);
    } catch (error) {
      failed++;
      console.log(`${name}: failed (${error.message})`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
})();
