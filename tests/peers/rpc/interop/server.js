// gRPC interoperability test server (npm @grpc/grpc-js) for the PSNetTools tests, on 127.0.0.1 only.
// Written from the public description of the interop server (grpc/grpc doc/interop-test-descriptions.md, section
// "Server") over the protos in this folder.
// Usage: node interop/server.js PORT      (PORT 0 picks a free port; prints "interop ready on PORT")
// Serves grpc.testing.TestService (EmptyCall, UnaryCall, CacheableUnaryCall, StreamingOutputCall,
// StreamingInputCall, FullDuplexCall, HalfDuplexCall; UnimplementedCall is declared and left out, so grpc-js
// answers UNIMPLEMENTED), not grpc.testing.UnimplementedService, and server reflection (v1, v1alpha) over test.proto.
// Features: Echo Status (response_status ends the call with that code and message), Echo Metadata
// (x-grpc-test-echo-initial back as a response header, x-grpc-test-echo-trailing-bin back as a trailer), interval_us,
// CompressedRequest (expect_compressed true and an uncompressed request: INVALID_ARGUMENT) and CompressedResponse
// (response_compressed / compressed true: that reply is gzip-compressed on the wire).
// grpc-js hides both compression facts from handlers (it never compresses replies and decompresses requests before
// the handler sees them), so two of its internals are wrapped below: the request decompressor marks each message
// with whether it came compressed, and the reply framer gzips replies marked for it. A call announces
// grpc-encoding: gzip only when its request asks for a compressed reply (UnaryCall, StreamingOutputCall: known before
// the headers go), so the header tells a client whether replies came compressed; the streams that read requests
// first (FullDuplexCall, HalfDuplexCall) send their replies uncompressed.
'use strict';
const path = require('path');
const zlib = require('zlib');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const { ReflectionService } = require('@grpc/reflection');

const WAS_COMPRESSED = Symbol('wasCompressed');
const COMPRESS = Symbol('compress');

const interceptingCall = require(path.join(path.dirname(require.resolve('@grpc/grpc-js')), 'server-interceptors.js')).BaseServerInterceptingCall;
const decompress = interceptingCall.prototype.decompressMessage;
interceptingCall.prototype.decompressMessage = async function (message, encoding) {
  const body = await decompress.call(this, message, encoding);
  // Byte 0 of a gRPC frame is its compressed flag; the buffer carries it to the request deserializer below.
  body[WAS_COMPRESSED] = message.readUInt8(0) === 1;
  return body;
};
const serialize = interceptingCall.prototype.serializeMessage;
interceptingCall.prototype.serializeMessage = function (value) {
  const framed = serialize.call(this, value);
  if (!value || !value[COMPRESS]) return framed;
  const body = zlib.gzipSync(framed.subarray(5));
  const out = Buffer.allocUnsafe(body.length + 5);
  out.writeUInt8(1, 0);
  out.writeUInt32BE(body.length, 1);
  body.copy(out, 5);
  return out;
};

const testProto = path.join(__dirname, 'test.proto');
const loadOptions = { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true, includeDirs: [__dirname] };
const definition = loader.loadSync(testProto, loadOptions);
const testing = grpc.loadPackageDefinition(definition).grpc.testing;

// Every request deserializer keeps the compressed mark of the bytes it read.
const service = {};
for (const [name, method] of Object.entries(testing.TestService.service)) {
  const deserialize = method.requestDeserialize;
  service[name] = Object.assign({}, method, {
    requestDeserialize: bytes => {
      const message = deserialize(bytes);
      Object.defineProperty(message, WAS_COMPRESSED, { value: bytes[WAS_COMPRESSED] === true });
      return message;
    },
  });
}

class CallError extends Error {
  constructor(code, details) {
    super(details);
    this.code = code;
    this.details = details;
  }
}

function payload(size) {
  return { type: 'COMPRESSABLE', body: Buffer.alloc(Math.max(0, size | 0)) };
}

function reply(message, compressed) {
  if (compressed) Object.defineProperty(message, COMPRESS, { value: true });
  return message;
}

// Initial metadata: the echoed header, and gzip announced when replies will be compressed (then each reply may still
// go uncompressed on its own: its frame's flag says).
function sendHeaders(call, extra, gzip) {
  const headers = new grpc.Metadata();
  for (const value of call.metadata.get('x-grpc-test-echo-initial')) headers.add('x-grpc-test-echo-initial', value);
  call.gzip = gzip === true;
  if (call.gzip) headers.set('grpc-encoding', 'gzip');
  for (const [key, value] of Object.entries(extra || {})) headers.set(key, value);
  call.sendMetadata(headers);
}

function trailers(call) {
  const md = new grpc.Metadata();
  for (const value of call.metadata.get('x-grpc-test-echo-trailing-bin')) md.add('x-grpc-test-echo-trailing-bin', value);
  return md;
}

function checkRequest(request) {
  if (request.expect_compressed && request.expect_compressed.value === true && request[WAS_COMPRESSED] !== true) {
    throw new CallError(grpc.status.INVALID_ARGUMENT, 'expected a compressed request');
  }
  if (request.response_type !== undefined && request.response_type !== 'COMPRESSABLE') {
    throw new CallError(grpc.status.INVALID_ARGUMENT, `response_type ${request.response_type} is not supported`);
  }
  const status = request.response_status;
  if (status && (status.code | 0) !== 0) throw new CallError(status.code | 0, status.message || '');
}

function fail(call, error, callback) {
  const status = { code: error.code || grpc.status.UNKNOWN, details: error.details || String(error.message || error), metadata: trailers(call) };
  if (callback) callback(status);
  else call.emit('error', status);
}

const sleep = us => new Promise(resolve => setTimeout(resolve, Math.ceil((us | 0) / 1000)));

// Answers one StreamingOutputCallRequest: one reply per ResponseParameters, each after its interval.
async function answer(call, request) {
  checkRequest(request);
  for (const parameters of request.response_parameters || []) {
    if (parameters.interval_us) await sleep(parameters.interval_us);
    if (call.cancelled) return;
    call.write(reply({ payload: payload(parameters.size) }, call.gzip && parameters.compressed && parameters.compressed.value === true));
  }
}

function unary(call, callback, build) {
  const gzip = Boolean(call.request.response_compressed && call.request.response_compressed.value === true);
  sendHeaders(call, build === cacheable ? { 'cache-control': 'max-age=60, public' } : undefined, gzip);
  try {
    checkRequest(call.request);
    callback(null, build(call.request), trailers(call));
  } catch (error) {
    fail(call, error, callback);
  }
}

function simple(request) {
  const response = { payload: payload(request.response_size) };
  if (request.fill_server_id) response.server_id = 'psnettools-interop';
  return reply(response, request.response_compressed && request.response_compressed.value === true);
}

function cacheable() {
  return { payload: { type: 'COMPRESSABLE', body: Buffer.from(process.hrtime.bigint().toString()) } };
}

const server = new grpc.Server();
server.addService(service, {
  EmptyCall: (call, callback) => {
    sendHeaders(call);
    callback(null, {}, trailers(call));
  },
  UnaryCall: (call, callback) => unary(call, callback, simple),
  CacheableUnaryCall: (call, callback) => unary(call, callback, cacheable),
  StreamingOutputCall: call => {
    sendHeaders(call, undefined, (call.request.response_parameters || []).some(p => p.compressed && p.compressed.value === true));
    answer(call, call.request).then(() => call.end(trailers(call)), error => fail(call, error));
  },
  StreamingInputCall: (call, callback) => {
    sendHeaders(call);
    let total = 0;
    let failed = false;
    call.on('data', request => {
      if (failed) return;
      try {
        checkRequest(request);
        total += request.payload && request.payload.body ? request.payload.body.length : 0;
      } catch (error) {
        failed = true;
        fail(call, error, callback);
      }
    });
    call.on('end', () => {
      if (!failed) callback(null, { aggregated_payload_size: total }, trailers(call));
    });
  },
  // Each request is answered as it arrives, in order; the call ends after the half close and the last reply.
  FullDuplexCall: call => {
    sendHeaders(call);
    let chain = Promise.resolve();
    let failed = false;
    const run = request => {
      chain = chain.then(() => (failed || call.cancelled ? undefined : answer(call, request))).catch(error => {
        if (failed) return;
        failed = true;
        fail(call, error);
      });
    };
    call.on('data', run);
    call.on('end', () => chain.then(() => {
      if (!failed && !call.cancelled) call.end(trailers(call));
    }));
  },
  // Every request is read first; the replies follow the half close.
  HalfDuplexCall: call => {
    sendHeaders(call);
    const requests = [];
    call.on('data', request => requests.push(request));
    call.on('end', async () => {
      try {
        for (const request of requests) await answer(call, request);
        if (!call.cancelled) call.end(trailers(call));
      } catch (error) {
        fail(call, error);
      }
    });
  },
});

new ReflectionService(definition).addToServer(server);

const port = process.argv[2] || '0';
server.bindAsync('127.0.0.1:' + port, grpc.ServerCredentials.createInsecure(), (err, bound) => {
  if (err) {
    console.error('interop bind failed: ' + err.message);
    process.exit(1);
  }
  console.log('interop ready on ' + bound);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.tryShutdown(() => process.exit(0)));
