/**
 * The publisher's queue order when sends fail, with a scripted producer (no broker): the unit view of
 * what publisher-outage.test.ts and test/e2e/broker-outage.test.ts show against a real one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionForKey, type KafkaProducer, type OutgoingMessage } from '@tcplens/kafka';
import type { TcpPacket } from '@tcplens/packet';
import { BatchKind, BatchReader, emptyWatermark, WatermarkReason, type Watermark } from '@tcplens/wire';
import { Publisher } from './publisher.js';
import { Spool } from './spool.js';

const root = mkdtempSync(join(tmpdir(), 'tcplens-publisher-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const dir = (): string => join(root, String(dirs++));
const quiet = { error() {}, warn() {}, info() {}, debug() {} };

function pkt(i: number): TcpPacket {
  const a = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 9, 0, 1]);
  const b = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 9, 0, 2]);
  return {
    tsSec: 1_700_000_000, tsNsec: i * 1000, ipVersion: 4, src: a, dst: b, srcPort: 1000, dstPort: 80, seq: i, ack: 0,
    flags: 0x10, window: 1, urgent: 0, payloadLen: 0, ipLen: 40, tcpHeaderLen: 20, ttl: 64, options: 0, mss: 0, wscale: 0,
    tsVal: 0, tsEcr: 0, sackBlocks: 0,
  };
}

/** A producer whose sends fail while `down`; `hold` keeps the next send pending until released. */
class ScriptedProducer implements KafkaProducer {
  down = false;
  readonly seqs: number[] = [];
  sends = 0;
  private held: (() => void) | null = null;
  private holdNext = false;
  private readonly reader = new BatchReader();

  /** The next send waits until release(); resolves once that send has started. */
  hold(): Promise<void> {
    this.holdNext = true;
    return new Promise((r) => (this.started = r));
  }

  release(): void {
    this.held?.();
  }

  private started: (() => void) | null = null;

  async send(_topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.sends++;
    if (this.holdNext) {
      this.holdNext = false;
      this.started?.();
      await new Promise<void>((r) => (this.held = r));
    }
    if (this.down) throw Object.assign(new Error('broker down'), { code: 'TCPLENS_ERR_KAFKA_UNREACHABLE' });
    for (const m of messages) {
      this.reader.open(m.value);
      if (this.reader.kind !== BatchKind.packets) continue;
      const c = this.reader.packets();
      while (c.next()) this.seqs.push(c.seq);
    }
  }

  async disconnect(): Promise<void> {}
}

function publisher(producer: KafkaProducer, spool: Spool | null, memLimitBytes = 64 * 1024 * 1024, slowSendMs = 60_000): Publisher {
  return new Publisher({ producer, topic: 't', sensorId: 's', buckets: 1, batchRecords: 10, mode: spool ? 'spool' : 'wait', spool, memLimitBytes, logger: quiet, retryDelayMs: 10, slowSendMs });
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

function push(pub: Publisher, from: number, to: number): void {
  for (let i = from; i < to; i++) pub.push(pkt(i));
  pub.flushBatches();
}

test('a failed send moves the backlog to the spool at once, in order; it drains when sends work again', async () => {
  const producer = new ScriptedProducer();
  const spool = new Spool(dir(), 1 << 30, 'oldest', 4096);
  const pub = publisher(producer, spool); // a memory limit far above this test's traffic
  push(pub, 0, 100);
  await pub.idle();
  producer.down = true;
  push(pub, 100, 200);
  while (pub.stats.kafkaUp) await new Promise((r) => setTimeout(r, 5));
  push(pub, 200, 300);
  assert.ok(spool.bytes > 0 && pub.queuedBytes === 0, `backlog on disk: spool ${spool.bytes} bytes, memory ${pub.queuedBytes}`);
  producer.down = false;
  push(pub, 300, 400);
  await pub.idle();
  assert.equal(spool.empty, true);
  assert.deepEqual(producer.seqs, range(0, 400), 'every packet once, in push order');
  assert.equal(pub.stats.packetsPublished, 400);
  await pub.stop();
});

test('memory spills to the spool while a send from memory is in flight; that send then fails: its entries still go first', async () => {
  const producer = new ScriptedProducer();
  const spool = new Spool(dir(), 1 << 30, 'oldest', 4096);
  const pub = publisher(producer, spool, 2000); // a few batches of 10 records overflow memory
  const started = producer.hold();
  push(pub, 0, 10); // this batch is taken from memory and held in the send
  await started;
  push(pub, 10, 200); // overflows into the spool behind the held send
  assert.ok(spool.bytes > 0, 'memory spilled');
  producer.down = true;
  producer.release(); // the held send fails
  while (pub.stats.kafkaUp) await new Promise((r) => setTimeout(r, 5));
  producer.down = false;
  await pub.idle();
  assert.deepEqual(producer.seqs, range(0, 200), 'the failed send is retried before what was spooled after it');
  await pub.stop();
});

test('stopped while Kafka is down: everything unsent is spooled in order, and the next run sends it in order', async () => {
  const d = dir();
  const producer = new ScriptedProducer();
  const pub = publisher(producer, new Spool(d, 1 << 30, 'oldest', 4096), 2000);
  const started = producer.hold();
  push(pub, 0, 10); // taken from memory into the send
  await started;
  push(pub, 10, 50); // memory spills to the spool behind it
  producer.down = true;
  producer.release();
  while (pub.stats.kafkaUp) await new Promise((r) => setTimeout(r, 5));
  push(pub, 50, 100);
  await pub.stop();
  assert.ok(readdirSync(d).length > 0);

  const next = new ScriptedProducer();
  const spool = new Spool(d, 1 << 30, 'oldest', 4096);
  const pub2 = publisher(next, spool);
  push(pub2, 100, 120);
  await pub2.idle();
  assert.deepEqual(next.seqs, range(0, 120));
  assert.deepEqual(readdirSync(d), []);
  await pub2.stop();
});

test('a file replay without a spool retries the failed send in place and loses nothing', async () => {
  const producer = new ScriptedProducer();
  const pub = publisher(producer, null);
  producer.down = true;
  push(pub, 0, 100);
  while (producer.sends < 3) await new Promise((r) => setTimeout(r, 5));
  producer.down = false;
  await pub.idle();
  assert.deepEqual(producer.seqs, range(0, 100));
  await pub.stop();
});

test('stop() puts the memory queue on disk at once, while the send in flight still hangs; order kept when it then fails', async () => {
  const d = dir();
  const producer = new ScriptedProducer();
  const spool = new Spool(d, 1 << 30, 'oldest', 4096);
  const pub = publisher(producer, spool);
  const started = producer.hold();
  push(pub, 0, 10); // in the hanging send
  await started;
  push(pub, 10, 60); // in memory
  const stopping = pub.stop();
  assert.ok(spool.bytes > 0 && pub.queuedBytes === 0, 'spooled before the send returned');
  producer.down = true;
  producer.release();
  await stopping;

  const next = new ScriptedProducer();
  const pub2 = publisher(next, new Spool(d, 1 << 30, 'oldest', 4096));
  await pub2.idle();
  assert.deepEqual(next.seqs, range(0, 60));
  await pub2.stop();
});

test('a send from memory that hangs past slowSendMs moves the memory queue to the spool; when it then succeeds, order holds', async () => {
  const producer = new ScriptedProducer();
  const spool = new Spool(dir(), 1 << 30, 'oldest', 4096);
  const pub = publisher(producer, spool, 64 * 1024 * 1024, 20);
  const started = producer.hold();
  push(pub, 0, 10);
  await started;
  push(pub, 10, 60);
  assert.equal(spool.bytes, 0, 'in memory while the send is young');
  while (spool.bytes === 0) await new Promise((r) => setTimeout(r, 5));
  assert.equal(pub.queuedBytes, 0);
  assert.equal(pub.stats.kafkaUp, true, 'slow is not down');
  push(pub, 60, 80); // behind the spooled ones
  producer.release(); // succeeds
  await pub.idle();
  assert.deepEqual(producer.seqs, range(0, 80));
  assert.equal(spool.empty, true);
  await pub.stop();
});

test('with the partition count known, a heartbeat goes under one key per partition the buckets reach; every 20th and end of input under all', async () => {
  const keys: string[][] = [];
  const producer: KafkaProducer = {
    async send(_topic, messages) {
      const reader = new BatchReader();
      const batchKeys: string[] = [];
      for (const m of messages) {
        reader.open(m.value);
        if (reader.kind === BatchKind.watermark) batchKeys.push(m.key.toString('hex'));
      }
      if (batchKeys.length > 0) keys.push(batchKeys);
    },
    async disconnect() {},
  };
  const pub = new Publisher({ producer, topic: 't', sensorId: 's', buckets: 256, batchRecords: 10, mode: 'wait', spool: null, memLimitBytes: 1 << 26, logger: quiet, retryDelayMs: 10, slowSendMs: 60_000 });
  const w = (reason: number): Watermark => ({ ...emptyWatermark(), clockSec: 1, reason });
  // Before the count is known: every key, also for a heartbeat that is not an every-20th one.
  pub.watermark(w(WatermarkReason.heartbeat));
  pub.watermark(w(WatermarkReason.heartbeat));
  await pub.idle();
  assert.equal(keys.flat().length, 2 * 256);
  keys.length = 0;
  pub.setPartitions(6);
  for (let i = 0; i < 21; i++) pub.watermark(w(WatermarkReason.heartbeat));
  pub.watermark(w(WatermarkReason.end_of_input));
  await pub.idle();
  const all = keys.flat();
  // The publisher counted two heartbeats before setPartitions: heartbeats 3..20 go to the few keys,
  // 21 (the 20th after the first full one) under all, then 22 and 23 few, then end of input under all.
  const reached = new Set(Array.from({ length: 256 }, (_, b) => partitionForKey(Buffer.from([b >> 8, b & 255]), 6)));
  assert.equal(all.length, 18 * reached.size + 256 + 2 * reached.size + 256, `watermark messages: ${all.length}`);
  const few = new Set(all.slice(0, reached.size));
  assert.equal(few.size, reached.size);
  assert.deepEqual(new Set([...few].map((k) => partitionForKey(Buffer.from(k, 'hex'), 6))), reached, 'one key per partition, every reached partition');
  await pub.stop();
});
