#!/usr/bin/env node
// Readiness probe for local.sh: sends one Metadata request and exits 0 only when a broker answers
// with itself in the broker list and a known controller. A port that accepts connections is not
// enough: a KRaft broker listens before it has caught up with the metadata log and been unfenced.
//
// Metadata Request (Version: 1) => [topics]          topics: null array (-1) = all topics
//   request header v1 => api_key(16) api_version(16) correlation_id(32) client_id(nullable string)
// Metadata Response (Version: 1) => [brokers] controller_id [topics]
//   brokers => node_id(32) host(string) port(32) rack(nullable string)
//
// Usage: node probe.mjs HOST:PORT [timeoutMs]
import { connect } from 'node:net';

const [hostPort = '', timeoutArg = '2000'] = process.argv.slice(2);
const sep = hostPort.lastIndexOf(':');
const host = hostPort.slice(0, sep);
const port = Number(hostPort.slice(sep + 1));
const timeoutMs = Number(timeoutArg);

const clientId = Buffer.from('tcplens-probe');
const req = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length + 4);
let o = 0;
o = req.writeInt32BE(req.length - 4, o);
o = req.writeInt16BE(3, o); // api_key Metadata
o = req.writeInt16BE(1, o); // api_version
o = req.writeInt32BE(0x7c1e, o); // correlation_id
o = req.writeInt16BE(clientId.length, o);
o += clientId.copy(req, o);
req.writeInt32BE(-1, o);

function fail(why) {
  process.stderr.write(`probe ${hostPort}: ${why}\n`);
  process.exit(1);
}

const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
const sock = connect({ host, port }, () => sock.write(req));
let buf = Buffer.alloc(0);
sock.on('error', (e) => fail(e.message));
sock.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
  clearTimeout(timer);
  sock.destroy();
  let p = 4;
  if (buf.readInt32BE(p) !== 0x7c1e) fail('wrong correlation id');
  p += 4;
  const brokers = buf.readInt32BE(p);
  p += 4;
  let self = false;
  for (let i = 0; i < brokers; i++) {
    p += 4; // node_id
    const hl = buf.readInt16BE(p);
    const h = buf.toString('utf8', p + 2, p + 2 + hl);
    p += 2 + hl;
    const bp = buf.readInt32BE(p);
    p += 4;
    const rl = buf.readInt16BE(p);
    p += 2 + Math.max(rl, 0);
    if (h === host && bp === port) self = true;
  }
  const controller = buf.readInt32BE(p);
  if (!self) fail(`metadata lists ${brokers} broker(s), not ${hostPort} yet`);
  if (controller < 0) fail('no controller yet');
  process.exit(0);
});
