// Smoke test of a running gRPC peer with a third-party client (npm @grpc/grpc-js), so a failing PSNetTools test can
// be told apart from a broken peer. Exits 0 when every check passed, 1 otherwise.
// Usage: node grpc/grpc-check.js 127.0.0.1:PORT [tls CA_CERT] [calculator]
//   (default)   checks grpc-server.js: Greeter, KitchenSink (Echo byte-exact incl. Any/Struct/unknown
//               fields), reflection v1 + v1alpha (all files resolvable), health
//   calculator  checks samples/CalculatorServer: Add, Multiply, overflow -> OUT_OF_RANGE, reflection (reports v1 /
//               v1alpha), health
'use strict';
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');
const descriptor = require('protobufjs/ext/descriptor');

const [address, ...rest] = process.argv.slice(2);
const mode = rest[0] === 'tls' ? 'tls' : 'plain';
const ca = mode === 'tls' ? rest[1] : null;
const kind = rest.includes('calculator') ? 'calculator' : 'node';
if (!address) {
  console.error('usage: node grpc/grpc-check.js 127.0.0.1:PORT [tls CA_CERT] [calculator]');
  process.exit(2);
}
const creds = mode === 'tls' ? grpc.credentials.createSsl(fs.readFileSync(ca)) : grpc.credentials.createInsecure();
const channelOptions = mode === 'tls' ? { 'grpc.ssl_target_name_override': 'localhost' } : {};
const repo = path.resolve(__dirname, '..', '..', '..', '..');
const options = { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true };
const identity = b => b;

let failures = 0;
function check(name, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ': ' + detail : ''}`);
  if (!ok) failures++;
}
const unary = (client, method, req, opts = {}) => new Promise(resolve =>
  client[method](req, new grpc.Metadata(), opts, (err, res) => resolve({ err, res })));
const collect = stream => new Promise(resolve => {
  const items = [];
  stream.on('data', d => items.push(d));
  stream.on('error', err => resolve({ err, items }));
  stream.on('end', () => resolve({ err: null, items }));
});

async function reflect(version, requests) {
  const def = loader.loadSync(require.resolve(`@grpc/reflection/build/proto/grpc/reflection/${version}/reflection.proto`), { keepCase: true, longs: String, enums: String, oneofs: true });
  const Svc = grpc.loadPackageDefinition(def).grpc.reflection[version].ServerReflection;
  const client = new Svc(address, creds, channelOptions);
  const call = client.ServerReflectionInfo();
  const done = collect(call);
  for (const r of requests) call.write(r);
  call.end();
  const result = await done;
  client.close();
  return result;
}

// Fetches every file reachable from `symbol` over reflection; returns { names, missing } or { err }.
async function reflectClosure(version, symbol) {
  const first = await reflect(version, [{ file_containing_symbol: symbol }]);
  if (first.err) return { err: first.err };
  const files = new Map();
  const pending = [];
  const add = resp => {
    if (resp.error_response) return resp.error_response.error_message;
    for (const bytes of resp.file_descriptor_response.file_descriptor_proto) {
      const fd = descriptor.FileDescriptorProto.decode(bytes);
      if (!files.has(fd.name)) { files.set(fd.name, fd); pending.push(...(fd.dependency || [])); }
    }
    return null;
  };
  const error = add(first.items[0]);
  if (error) return { err: new Error(error) };
  const missing = [];
  while (pending.length) {
    const name = pending.shift();
    if (files.has(name)) continue;
    const r = await reflect(version, [{ file_by_filename: name }]);
    if (r.err || add(r.items[0])) { missing.push(name); files.set(name, null); }
  }
  return { names: [...files.keys()], files, missing };
}

async function checkReflection(service, expectedServices, symbolFiles) {
  const seen = {};
  for (const version of ['v1', 'v1alpha']) {
    const list = await reflect(version, [{ list_services: '*' }]);
    if (list.err) {
      check(`reflection ${version} ListServices`, kind === 'calculator', `${grpc.status[list.err.code]} ${list.err.details}`);
      seen[version] = false;
      continue;
    }
    seen[version] = true;
    const names = list.items[0].list_services_response.service.map(s => s.name);
    check(`reflection ${version} ListServices`, expectedServices.every(s => names.includes(s)), names.join(' '));
    const closure = await reflectClosure(version, service);
    check(`reflection ${version} files of ${service} and all imports`, !closure.err && closure.missing.length === 0,
      closure.err ? closure.err.message : `${closure.names.join(' ')}${closure.missing.length ? ' MISSING ' + closure.missing : ''}`);
    for (const f of symbolFiles) check(`reflection ${version} serves ${f}`, closure.names && closure.names.includes(f));
    const unknown = await reflect(version, [{ file_containing_symbol: 'no.such.Symbol' }]);
    check(`reflection ${version} unknown symbol -> error_response`, !unknown.err && !!unknown.items[0].error_response,
      unknown.items[0] && unknown.items[0].error_response && `${grpc.status[unknown.items[0].error_response.error_code]}`);
  }
  return seen;
}

async function checkHealth(expect) {
  const def = loader.loadSync(require.resolve('grpc-health-check/proto/health/v1/health.proto'), options);
  const Health = grpc.loadPackageDefinition(def).grpc.health.v1.Health;
  const client = new Health(address, creds, channelOptions);
  for (const [service, status] of Object.entries(expect)) {
    const { err, res } = await unary(client, 'Check', { service });
    const got = err ? grpc.status[err.code] : res.status;
    check(`health Check '${service}'`, got === status, got);
  }
  client.close();
}

async function checkNode() {
  const def = loader.loadSync([path.join(__dirname, 'greeter.proto'), path.join(__dirname, 'kitchensink.proto')], options);
  const proto = grpc.loadPackageDefinition(def);
  const greeter = new proto.demo.v1.Greeter(address, creds, channelOptions);
  let r = await unary(greeter, 'SayHello', { name: 'Ada' });
  check('Greeter.SayHello', !r.err && r.res.message === 'Hello Ada', r.err ? r.err.message : r.res.message);
  let s = await collect(greeter.StreamHellos({ name: 'Ada', count: 4 }));
  check('Greeter.StreamHellos', !s.err && s.items.length === 4 && s.items[3].message === 'Hello Ada #3', s.items.map(i => i.message).join('|'));
  r = await new Promise(resolve => {
    const call = greeter.CollectHellos((err, res) => resolve({ err, res }));
    ['a', 'b', 'c'].forEach(name => call.write({ name }));
    call.end();
  });
  check('Greeter.CollectHellos', !r.err && r.res.message === 'Hello a,b,c', r.err ? r.err.message : r.res.message);
  const chat = greeter.Chat();
  const chatDone = collect(chat);
  ['x', 'y'].forEach(name => chat.write({ name }));
  chat.end();
  s = await chatDone;
  check('Greeter.Chat', !s.err && s.items.map(i => i.message).join('|') === 'Hello x|Hello y', s.items.map(i => i.message).join('|'));
  greeter.close();

  // Echo, byte-exact: encode a message with every field set (protobufjs), plus an unknown field 999, send raw.
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => (fs.existsSync(path.join(__dirname, target)) ? path.join(__dirname, target) : protobuf.util.path.resolve(origin, target));
  root.loadSync(path.join(__dirname, 'kitchensink.proto'), { keepCase: true });
  const AllTypes = root.lookupType('test.v1.AllTypes');
  const Inner = root.lookupType('test.v1.AllTypes.Inner');
  const value = {
    double_value: -1.5e300, float_value: 3.25, int32_value: -123, int64_value: '-9223372036854775808',
    uint32_value: 4294967295, uint64_value: '18446744073709551615', sint32_value: -2147483648, sint64_value: '-9223372036854775807',
    fixed32_value: 4000000000, fixed64_value: '18446744073709551614', sfixed32_value: -7, sfixed64_value: '-9007199254740993',
    bool_value: true, string_value: 'h\u00e9llo \u{1F600}', bytes_value: Buffer.from([0, 1, 2, 255]),
    color: 2, nested: { name: 'n', value: 7 },
    repeated_int32: [1, -2, 300000], repeated_string: ['a', '', 'c'], repeated_inner: [{ name: 'r1', value: 1 }, {}], repeated_color: [1, 2, 0],
    int_map: { one: 1, minus: -1 }, inner_map: { '-5': { name: 'm', value: 5 }, '9007199254740993': { name: 'big' } }, string_map: { k: 'v', empty: '' },
    inner: { name: 'chosen', value: 1 }, maybe: 0,
    created_at: { seconds: '1700000000', nanos: 123000000 }, elapsed: { seconds: '-3', nanos: -500000000 },
    int32_wrapper: { value: 0 }, string_wrapper: { value: '' }, bool_wrapper: { value: false }, int64_wrapper: { value: '-1' },
    double_wrapper: { value: 0.1 }, bytes_wrapper: { value: Buffer.from('wrapped') },
    // protobufjs' bundled google/protobuf types name the Value fields in camelCase (numberValue ...), keepCase or not.
    struct_value: { fields: { n: { numberValue: 1.5 }, s: { stringValue: 'x' }, b: { boolValue: true }, z: { nullValue: 0 },
      l: { listValue: { values: [{ numberValue: 1 }, { stringValue: 'two' }] } }, o: { structValue: { fields: { deep: { boolValue: false } } } } } },
    json_value: { stringValue: 'just a string' }, list_value: { values: [{ nullValue: 0 }, { numberValue: -0.5 }] },
    empty: {}, field_mask: { paths: ['int32_value', 'nested.name'] },
    any_value: { type_url: 'type.googleapis.com/test.v1.AllTypes.Inner', value: Inner.encode({ name: 'packed', value: 42 }).finish() },
  };
  const err0 = AllTypes.verify(AllTypes.fromObject(value));
  check('kitchensink test value verifies', !err0, err0);
  const known = Buffer.from(AllTypes.encode(AllTypes.fromObject(value)).finish());
  const unknownField = Buffer.from([0xba, 0x3e, 0x03, 0x61, 0x62, 0x63]); // field 999, wire type 2, "abc"
  const sent = Buffer.concat([known, unknownField]);
  const raw = new grpc.Client(address, creds, channelOptions);
  const headers = new grpc.Metadata();
  headers.set('x-test', 'hello');
  const got = await new Promise(resolve => {
    const meta = {};
    const call = raw.makeUnaryRequest('/test.v1.KitchenSink/Echo', identity, identity, sent, headers, {}, (err, res) => resolve({ err, res, meta }));
    call.on('metadata', m => { meta.headers = m; });
    call.on('status', st => { meta.trailers = st.metadata; });
  });
  check('KitchenSink.Echo returns the request bytes exactly', !got.err && Buffer.compare(got.res, sent) === 0,
    got.err ? got.err.message : `${sent.length} bytes sent, ${got.res.length} back`);
  await new Promise(resolve => setTimeout(resolve, 20));
  check('KitchenSink.Echo echoes x- metadata and sends x-trailer', got.meta.headers && got.meta.headers.get('x-test')[0] === 'hello' &&
    got.meta.trailers && got.meta.trailers.get('x-trailer')[0] === 'echo');
  const decoded = AllTypes.toObject(AllTypes.decode(got.res), { longs: String, bytes: String, defaults: false, oneofs: true });
  if (process.env.GRPC_CHECK_DEBUG) console.log(JSON.stringify(decoded));
  check('KitchenSink.Echo decodes (Any, Struct, maps, oneof, 64-bit)', decoded.choice === 'inner' && decoded.int64_value === '-9223372036854775808' &&
    decoded.uint64_value === '18446744073709551615' && decoded.struct_value.fields.o.structValue.fields.deep.boolValue === false && decoded.list_value.values[1].numberValue === -0.5 &&
    decoded.any_value.type_url.endsWith('Inner') && Object.keys(decoded.inner_map).length === 2 /* protobufjs decodes int64 map keys as hash strings */ && decoded.maybe === 0,
    JSON.stringify({ choice: decoded.choice, maybe: decoded.maybe, any: decoded.any_value.type_url }));
  const stream = await collect(raw.makeServerStreamRequest('/test.v1.KitchenSink/EchoStream', identity, identity, sent, new grpc.Metadata(), {}));
  check('KitchenSink.EchoStream returns the request 3 times', !stream.err && stream.items.length === 3 && stream.items.every(b => Buffer.compare(b, sent) === 0));
  raw.close();

  const sink = new proto.test.v1.KitchenSink(address, creds, channelOptions);
  r = await unary(sink, 'Echo', { int32_value: 5, color: 'GREEN', text: 'hi' });
  check('KitchenSink.Echo typed', !r.err && r.res.int32_value === 5 && r.res.color === 'GREEN' && r.res.choice === 'text', r.err ? r.err.message : JSON.stringify(r.res));
  r = await unary(sink, 'Fail', { code: grpc.status.NOT_FOUND, detail: 'no such thing' });
  check('KitchenSink.Fail NOT_FOUND', r.err && r.err.code === grpc.status.NOT_FOUND && r.err.details === 'no such thing' &&
    r.err.metadata.get('x-fail-code')[0] === '5', r.err && `${r.err.code} ${r.err.details}`);
  r = await unary(sink, 'Fail', { code: 0 });
  check('KitchenSink.Fail code 0 -> OK', !r.err);
  let t = Date.now();
  r = await unary(sink, 'Slow', { delay_ms: 100 });
  check('KitchenSink.Slow 100 ms', !r.err && Date.now() - t >= 95, `${Date.now() - t} ms`);
  t = Date.now();
  r = await unary(sink, 'Slow', { delay_ms: 5000 }, { deadline: Date.now() + 200 });
  check('KitchenSink.Slow past its deadline -> DEADLINE_EXCEEDED', r.err && r.err.code === grpc.status.DEADLINE_EXCEEDED && Date.now() - t < 1000, r.err && grpc.status[r.err.code]);
  r = await new Promise(resolve => {
    const call = sink.Slow({ delay_ms: 5000 }, (err, res) => resolve({ err, res }));
    setTimeout(() => call.cancel(), 100);
  });
  check('KitchenSink.Slow cancelled -> CANCELLED', r.err && r.err.code === grpc.status.CANCELLED);
  r = await new Promise(resolve => {
    const call = sink.Sum((err, res) => resolve({ err, res }));
    call.write({ a: 1, b: 2 });
    call.write({ a: 2147483647, b: 2147483647 });
    call.write({});
    call.end();
  });
  check('KitchenSink.Sum (int64, no overflow)', !r.err && r.res.total === '4294967297', r.err ? r.err.message : r.res.total);
  sink.close();

  // @grpc/reflection serves proto-loader's files: one per package (test_v1.proto, google_protobuf.proto ...), with
  // empty dependency lists; fileContainingSymbol returns the file plus the files it refers to.
  await checkReflection('test.v1.KitchenSink', ['demo.v1.Greeter', 'test.v1.KitchenSink', 'grpc.health.v1.Health'],
    ['test_v1.proto', 'google_protobuf.proto']);
  const health = await reflect('v1', [{ file_containing_symbol: 'grpc.health.v1.Health' }]);
  check('reflection v1 knows grpc.health.v1.Health', !health.err && !!health.items[0].file_descriptor_response);
  await checkHealth({ '': 'SERVING', 'demo.v1.Greeter': 'SERVING', 'test.v1.KitchenSink': 'SERVING', 'down.Service': 'NOT_SERVING', 'no.Such': 'NOT_FOUND' });
}

async function checkCalculator() {
  const def = loader.loadSync(path.join(repo, 'protos', 'calculator.proto'), options);
  const calc = new (grpc.loadPackageDefinition(def).calculator.Calculator)(address, creds, channelOptions);
  let r = await unary(calc, 'Add', { a: 10, b: 20 });
  check('Calculator.Add', !r.err && r.res.result === 30, r.err ? r.err.message : r.res.result);
  r = await unary(calc, 'Multiply', { a: -6, b: 7 });
  check('Calculator.Multiply', !r.err && r.res.result === -42, r.err ? r.err.message : r.res.result);
  r = await unary(calc, 'Multiply', { a: 2147483647, b: 2 });
  check('Calculator.Multiply overflow -> OUT_OF_RANGE', r.err && r.err.code === grpc.status.OUT_OF_RANGE, r.err && `${grpc.status[r.err.code]} ${r.err.details}`);
  r = await unary(calc, 'Add', { a: 2147483647, b: 1 });
  check('Calculator.Add overflow -> OUT_OF_RANGE', r.err && r.err.code === grpc.status.OUT_OF_RANGE, r.err && `${grpc.status[r.err.code]} ${r.err.details}`);
  calc.close();
  const seen = await checkReflection('calculator.Calculator', ['calculator.Calculator'], ['calculator.proto']);
  console.log(`info reflection versions served: v1=${seen.v1} v1alpha=${seen.v1alpha}`);
  check('reflection served in at least one version', seen.v1 || seen.v1alpha);
  await checkHealth({ '': 'SERVING', 'calculator.Calculator': 'SERVING', 'no.Such': 'NOT_FOUND' });
}

(kind === 'calculator' ? checkCalculator() : checkNode()).then(() => {
  console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
  process.exit(failures ? 1 : 0);
}, err => { console.error(err); process.exit(1); });
