/**
 * The HTTP server that wrk loads while make-capture records. Runs as a child process (so its
 * event loop does not compete with the orchestrator's), listens on 127.0.0.1 and ::1 with the same
 * ephemeral port, and answers GET /s/<n> with n body bytes so responses span 0..many segments.
 * Protocol with the parent (IPC): sends {port} when listening; on 'stats' replies with counts.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

const MAX_BODY = 1 << 20;
const bodies = new Map<number, Buffer>();
let connections = 0;
let requests = 0;

function body(n: number): Buffer {
  let b = bodies.get(n);
  if (!b) bodies.set(n, (b = Buffer.alloc(n, 0x61)));
  return b;
}

const handler: http.RequestListener = (req, res) => {
  requests++;
  const m = /^\/s\/(\d+)/.exec(req.url ?? '');
  const b = body(Math.min(Number(m?.[1] ?? 2), MAX_BODY));
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': b.length });
  res.end(b);
};

function listen(host: string, port: number): Promise<http.Server> {
  const srv = http.createServer({ keepAliveTimeout: 1000 }, handler);
  srv.on('connection', (s) => {
    connections++;
    s.on('error', () => {}); // the bench's own clients reset on purpose
  });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host, port, backlog: 4096 }, () => resolve(srv));
  });
}

const v4 = await listen('127.0.0.1', 0);
const port = (v4.address() as AddressInfo).port;
await listen('::1', port);
process.send?.({ port });
process.on('message', (msg) => {
  if (msg === 'stats') process.send?.({ connections, requests });
});
process.on('disconnect', () => process.exit(0));
