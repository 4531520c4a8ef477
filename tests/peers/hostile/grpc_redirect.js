#!/usr/bin/env node
// Hostile gRPC peer: an h2c server on 127.0.0.1 that answers every call with 307 to the same path on 127.0.0.2, where
// a second h2c server writes each request's headers (a JSON line) to LOG and ends the call with grpc-status 12; the
// first appends a line to LOG.redirects per request it answers (STATUS, default 307). A
// client that follows the redirect hands its call metadata (x-api-key, cookie) to a host it was never pointed at;
// gRPC clients follow no redirects (grpc-go and grpc-js fail the call on any status but 200).
//
// usage: node grpc_redirect.js REDIRECT_PORT TARGET_PORT LOG
'use strict';
const fs = require('fs');
const http2 = require('http2');

const [redirectPort, targetPort, log] = process.argv.slice(2);

const target = http2.createServer();
target.on('stream', (stream, headers) => {
  fs.appendFileSync(log, JSON.stringify(headers) + '\n');
  stream.on('data', () => {});
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '12', 'grpc-message': 'landed on the redirect target' }));
  stream.end();
});

const redirect = http2.createServer();
redirect.on('stream', (stream, headers) => {
  fs.appendFileSync(`${log}.redirects`, `${headers[':path']}\n`);
  stream.on('data', () => {});
  stream.respond({ ':status': Number(process.env.STATUS || 307), location: `http://127.0.0.2:${targetPort}${headers[':path']}` }, { endStream: true });
});

target.listen(Number(targetPort), '127.0.0.2', () => redirect.listen(Number(redirectPort), '127.0.0.1'));
