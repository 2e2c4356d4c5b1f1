/**
 * Kafka down, then back: the publisher (live mode) keeps taking packets into its on-disk spool
 * while a private broker (its own port, so the shared one is untouched) is stopped, then drains the
 * spool in order once the broker is back. Nothing is lost; order within the partition is kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokersForTests, createKafka, localBroker } from '@tcplens/kafka';
import type { TcpPacket } from '@tcplens/packet';
import { BatchKind, BatchReader } from '@tcplens/wire';
import { Publisher } from './publisher.js';
import { lazyProducer } from './lazy-producer.js';
import { bucketOf } from './route.js';
import { Spool } from './spool.js';

const found = await brokersForTests(); // decides skip vs. CI failure the same way for the private broker
const tmp = mkdtempSync(join(tmpdir(), 'tcplens-outage-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const PORT = 19392;

function pkt(i: number): TcpPacket {
  const a = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 9, 0, 1]);
  const b = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 9, 0, 2]);
  return {
    tsSec: 1_700_000_000 + Math.floor(i / 1000), tsNsec: (i % 1000) * 1_000_000, ipVersion: 4, src: a, dst: b,
    srcPort: 1000 + (i % 50), dstPort: 80, seq: i, ack: 0, flags: 0x10, window: 1, urgent: 0, payloadLen: 0,
    ipLen: 40, tcpHeaderLen: 20, ttl: 64, options: 0, mss: 0, wscale: 0, tsVal: 0, tsEcr: 0, sackBlocks: 0,
  };
}

test('Kafka stopped: packets go to the spool; restarted: the spool drains in order, nothing lost', { timeout: 420_000 }, async (t) => {
  if (!found.brokers) return t.skip(found.skip);
  const broker = localBroker(PORT);
  const addr = await broker.start();
  t.after(() => broker.stop());
  const kafka = createKafka({ brokers: [addr], clientId: 'test-outage', retries: 1, connectionTimeoutMs: 500 });
  const topic = `test-outage-${Date.now().toString(36)}`;
  const admin = await kafka.admin();
  try {
    await admin.createTopic(topic, 1);
  } finally {
    await admin.disconnect();
  }
  const spool = new Spool(join(tmp, 'spool'), 64 * 1024 * 1024, 'oldest', 256 * 1024);
  const producer = lazyProducer(kafka, { idempotent: true, acks: 'all', compression: 'gzip' });
  const warn: string[] = [];
  const logger = { error() {}, warn: (_o: object, m: string) => void warn.push(m), info() {}, debug() {} };
  const pub = new Publisher({ producer, topic, sensorId: 'outage', buckets: 4, batchRecords: 50, mode: 'spool', spool, memLimitBytes: 64 * 1024, logger, retryDelayMs: 200 });
  t.after(async () => {
    await pub.stop();
    await producer.disconnect().catch(() => undefined);
  });

  let n = 0;
  const pushSome = (count: number): void => {
    for (let k = 0; k < count; k++) pub.push(pkt(n++));
    pub.flushBatches();
  };
  pushSome(500);
  await pub.idle();
  assert.equal(pub.stats.packetsPublished, 500);

  await broker.stop();
  for (let r = 0; r < 20; r++) {
    pushSome(1000);
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(pub.stats.kafkaUp, false, 'sends fail while the broker is down');
  assert.ok(spool.bytes > 0 && spool.segmentCount > 1, `spooled ${spool.bytes} bytes in ${spool.segmentCount} segments`);
  assert.ok(warn.length >= 1, 'the outage was logged');

  await broker.start();
  pushSome(500);
  await pub.idle();
  assert.equal(spool.empty, true);
  assert.equal(spool.droppedPackets, 0);
  assert.equal(pub.stats.kafkaUp, true);

  // Read everything back: every packet, first copies in the order they were pushed.
  const consumer = await kafka.consumer({ groupId: `${topic}-check` });
  const seqs: number[] = [];
  const reader = new BatchReader();
  await consumer.subscribe(topic);
  await consumer.run({
    eachBatch: async (b) => {
      for (const m of b.messages) {
        reader.open(m.value!);
        if (reader.kind !== BatchKind.packets) continue;
        const c = reader.packets();
        while (c.next()) seqs.push(c.seq);
      }
    },
  });
  const deadline = Date.now() + 60_000;
  while (new Set(seqs).size < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  assert.equal(new Set(seqs).size, n, 'no packet lost');
  const seen = new Set<number>();
  const firsts = seqs.filter((s) => (seen.has(s) ? false : (seen.add(s), true)));
  // Within one bucket (one key), order is the push order; across buckets a batch fills when full.
  for (let bucketStart = 0; bucketStart < 4; bucketStart++) {
    const perKey = firsts.filter((s) => keyOf(s) === bucketStart);
    assert.deepEqual(perKey, [...perKey].sort((x, y) => x - y), `bucket ${bucketStart} in order`);
  }
});

/** Which of the 4 buckets a test packet lands in (same function the publisher uses). */
function keyOf(seq: number): number {
  return bucketOf(pkt(seq), 4);
}
