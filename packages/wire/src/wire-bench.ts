// Micro-benchmark (not a test): node packages/wire/dist/wire-bench.js
// Encodes 1 000-record batches from a reused MutableTcpPacket, then reads them back touching every
// field, and reports records/s plus heap growth per record (a hint of per-record allocation).
import { MutableTcpPacket } from '@tcplens/packet';
import { BatchBuilder } from './batch-builder.js';
import { BatchReader } from './batch-reader.js';

const CAP = 1000;
const ROUNDS = Number(process.argv[2] ?? 3000);

const p = new MutableTcpPacket();
const builder = new BatchBuilder('bench-sensor', CAP);
function fill(i: number): void {
  p.tsSec = 1_700_000_000 + (i >>> 10);
  p.tsNsec = (i * 997) % 1_000_000_000;
  p.ipVersion = 4;
  p.src[15] = i & 0xff;
  p.dst[15] = (i >>> 8) & 0xff;
  p.srcPort = i & 0xffff;
  p.dstPort = 443;
  p.seq = (i * 1460) >>> 0;
  p.ack = i >>> 0;
  p.flags = 0x10;
  p.window = 501;
  p.payloadLen = 1460;
  p.ipLen = 1500;
  p.tcpHeaderLen = 32;
  p.ttl = 64;
}

function run(label: string, fn: () => number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  const n = fn();
  const ns = Number(process.hrtime.bigint() - t0);
  const heap = process.memoryUsage().heapUsed - heap0;
  const rate = (n / ns) * 1e9;
  console.log(`${label.padEnd(28)} ${(rate / 1e6).toFixed(2)} M records/s  (${(ns / n).toFixed(1)} ns/record, heap +${(heap / n).toFixed(3)} B/record${gc ? '' : ', run with --expose-gc for a clean heap figure'})`);
}

let batch: Uint8Array = new Uint8Array(0);
run('append + finish (encode)', () => {
  let n = 0;
  for (let r = 0; r < ROUNDS; r++) {
    builder.reset();
    for (let i = 0; i < CAP; i++) {
      fill(n + i);
      builder.append(p);
    }
    batch = builder.finish();
    n += CAP;
  }
  return n;
});
batch = batch.slice();

const reader = new BatchReader();
let sink = 0;
run('open + next + every field', () => {
  let n = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const c = reader.open(batch).packets();
    while (c.next()) {
      sink += c.tsSec + c.tsNsec + c.ipVersion + c.src[15]! + c.dst[15]! + c.srcPort + c.dstPort + c.seq + c.ack;
      sink += c.flags + c.window + c.urgent + c.payloadLen + c.ipLen + c.tcpHeaderLen + c.ttl + c.options;
      sink += c.mss + c.wscale + c.tsVal + c.tsEcr + c.sackBlocks;
      n++;
    }
  }
  return n;
});
run('open only (validate + CRC)', () => {
  for (let r = 0; r < ROUNDS; r++) reader.open(batch);
  return ROUNDS * CAP;
});
console.log(`batch of ${CAP} records = ${batch.length} bytes; (sink ${sink > 0 ? "used" : "empty"})`);
