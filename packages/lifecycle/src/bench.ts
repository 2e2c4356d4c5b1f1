/**
 * Micro-benchmark (not a test): `node dist/bench.js [connections] [concurrent]`.
 * 1. Throughput: a synthetic stream of short connections (8 packets each: handshake, request,
 *    response, four-way close), `concurrent` of them interleaved, fed through one reused packet
 *    object as a decoder cursor would be.
 * 2. Data path: packets of established connections only (lookup + state update, no record).
 * Memory per open connection: bench/memory-bench.ts; the real capture: bench/capture-bench.ts.
 */
import type { TcpPacket } from '@tcplens/packet';
import { ConnectionTracker } from './tracker.js';

const total = Number(process.argv[2] ?? 1_000_000);
const concurrent = Number(process.argv[3] ?? 10_000);

const cur = {
  tsSec: 0, tsNsec: 0, ipVersion: 4 as 4 | 6, src: new Uint8Array(16), dst: new Uint8Array(16),
  srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 65535, urgent: 0, payloadLen: 0, ipLen: 40,
  tcpHeaderLen: 20, ttl: 64, options: 0, mss: 0, wscale: 0, tsVal: 0, tsEcr: 0, sackBlocks: 0,
} satisfies TcpPacket;
const client = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 0]);
const server = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 255, 0, 1]);

// step: [fromClient, flags, seqOffset, ackOffset, len]
const STEPS: [boolean, number, number, number, number][] = [
  [true, 0x02, 0, 0, 0], [false, 0x12, 0, 1, 0], [true, 0x10, 1, 1, 0], [true, 0x18, 1, 1, 100],
  [false, 0x18, 1, 101, 500], [true, 0x11, 101, 501, 0], [false, 0x11, 501, 102, 0], [true, 0x10, 102, 502, 0],
];

function setPacket(conn: number, step: number, us: number): void {
  const [fromClient, flags, seqOff, ackOff, len] = STEPS[step] ?? STEPS[0]!;
  const cIsn = (conn * 7919) >>> 0;
  const sIsn = (conn * 104729 + 17) >>> 0;
  client[13] = (conn >>> 16) & 255;
  client[14] = (conn >>> 8) & 255;
  client[15] = conn & 255;
  const port = 1024 + (conn % 60000);
  cur.src = fromClient ? client : server;
  cur.dst = fromClient ? server : client;
  cur.srcPort = fromClient ? port : 80;
  cur.dstPort = fromClient ? 80 : port;
  cur.seq = ((fromClient ? cIsn : sIsn) + seqOff) >>> 0;
  cur.ack = flags & 0x10 ? ((fromClient ? sIsn : cIsn) + ackOff) >>> 0 : 0;
  cur.flags = flags;
  cur.payloadLen = len;
  cur.ipLen = 40 + len;
  cur.tsSec = Math.floor(us / 1e6);
  cur.tsNsec = (us % 1e6) * 1000;
}

function throughput(): void {
  let emitted = 0;
  const tr = new ConnectionTracker({}, () => emitted++);
  const t0 = 1_700_000_000_000_000;
  let us = t0;
  let packets = 0;
  const start = process.hrtime.bigint();
  // Round-robin over a window of `concurrent` connections: step k of connection i.
  for (let base = 0; base < total; base += concurrent) {
    const n = Math.min(concurrent, total - base);
    for (let step = 0; step < STEPS.length; step++) {
      for (let i = 0; i < n; i++) {
        setPacket(base + i, step, us++);
        tr.process(cur);
        packets++;
      }
    }
    tr.advance(us);
  }
  tr.flush();
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`throughput: ${packets} packets, ${emitted} connections in ${s.toFixed(2)} s = ${(packets / s / 1e6).toFixed(2)} M packets/s (${(emitted / s / 1e3).toFixed(0)} k conn/s)`);
}

/** Per-packet path only: `concurrent` long connections, each sending many 1000-byte segments. */
function dataPath(segments: number): void {
  const tr = new ConnectionTracker({}, () => undefined);
  let us = 1_700_000_000_000_000;
  for (let step = 0; step < 3; step++) for (let i = 0; i < concurrent; i++) {
    setPacket(i, step, us++);
    tr.process(cur);
  }
  const start = process.hrtime.bigint();
  for (let k = 0; k < segments; k++) {
    for (let i = 0; i < concurrent; i++) {
      setPacket(i, 3, us++);
      cur.seq = (cur.seq + k * 1000) >>> 0;
      cur.payloadLen = 1000;
      tr.process(cur);
    }
  }
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  const n = segments * concurrent;
  console.log(`data path: ${n} packets on ${concurrent} open connections in ${s.toFixed(2)} s = ${(n / s / 1e6).toFixed(2)} M packets/s`);
}

throughput();
dataPath(Math.max(1, Math.floor(total / concurrent)));
