/**
 * Memory per open connection (not a test): node --expose-gc dist/bench/memory-bench.js [n] [--multi-sensor]
 * --multi-sensor: the tracker service's mode (a dedup ring per connection), one sensor.
 * Opens n concurrent connections (distinct 4-tuples; SYN, SYN-ACK, ACK each; no close) and
 * reports the growth of heapUsed + external after a forced GC, divided by n (Node's `external`
 * already contains `arrayBuffers`, where typed-array columns live, so it is not added again).
 */
import { ConnectionTracker } from '../tracker.js';
import { ReplayCursor } from './packet-columns.js';

const n = Number(process.argv[2] ?? 1_000_000);
if (globalThis.gc === undefined) throw new Error('run with node --expose-gc');
const gc = globalThis.gc;

/** [heapUsed + external, arrayBuffers]; Node's `external` already includes arrayBuffers. */
function used(): [number, number] {
  gc();
  gc();
  const m = process.memoryUsage();
  return [m.heapUsed + m.external, m.arrayBuffers];
}

const cur = new ReplayCursor();
const client = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 0]);
const server = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 192, 168, 0, 1]);
const before = used();
const tr = new ConnectionTracker({ multiSensor: process.argv.includes('--multi-sensor') }, () => undefined);
const base = 1_700_000_000;
const STEPS = [[true, 0x02], [false, 0x12], [true, 0x10]] as const;
for (const [fromClient, flags] of STEPS) {
  for (let i = 0; i < n; i++) {
    const host = i >>> 14;
    client[13] = (host >>> 8) & 255;
    client[14] = host & 255;
    const port = 1024 + (i & 16383);
    const cIsn = Math.imul(i, 2654435761) >>> 0;
    const sIsn = Math.imul(i, 40503) >>> 0;
    cur.src = fromClient ? client : server;
    cur.dst = fromClient ? server : client;
    cur.srcPort = fromClient ? port : 443;
    cur.dstPort = fromClient ? 443 : port;
    cur.seq = fromClient ? (flags === 0x02 ? cIsn : (cIsn + 1) >>> 0) : sIsn;
    cur.ack = flags === 0x02 ? 0 : fromClient ? (sIsn + 1) >>> 0 : (cIsn + 1) >>> 0;
    cur.flags = flags;
    cur.payloadLen = 0;
    cur.ipLen = 60;
    cur.tsSec = base + Math.floor(i / 1_000_000);
    cur.tsNsec = (i % 1_000_000) * 1000;
    tr.process(cur);
  }
}
const after = used();
const total = (after[0] - before[0]) / n;
const buffers = (after[1] - before[1]) / n;
console.log(`${tr.openConnections} open connections: ${total.toFixed(0)} bytes each ` +
  `(heapUsed + external delta after gc, of which ${buffers.toFixed(0)} in ArrayBuffers; ` +
  `heapUsed + external + arrayBuffers would count those twice: ${(total + buffers).toFixed(0)}; ` +
  `rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`);
if (tr.openConnections !== n) throw new Error(`expected ${n} open connections`);
