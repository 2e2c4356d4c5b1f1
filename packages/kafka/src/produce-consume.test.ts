import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafka } from './kafka.js';
import { partitionForKey } from './partition.js';
import { brokersForTests } from './test-broker.js';
import { brokersOrSkip, uniqueTopic, waitFor } from './test-support.js';
import type { ConsumedBatch } from './types.js';

const found = await brokersForTests();
const KEYS = 100;

/** Value of message `seq` of key `k`: both readable back, so arrival can be checked independently. */
const valueOf = (k: number, seq: number) => Buffer.from(`k${k}#${seq}`);

test('10,000 keyed messages through an idempotent producer arrive exactly once, in order per key', { timeout: 120_000 }, async (t) => {
  const brokers = brokersOrSkip(t, found);
  if (!brokers) return;
  const kafka = createKafka({ brokers, clientId: 'test-produce-consume' });
  const topic = uniqueTopic('exactly-once');
  const admin = await kafka.admin();
  assert.equal(await admin.createTopic(topic, 3), true);

  const producer = await kafka.producer({ idempotent: true, acks: 'all' });
  const total = 10_000;
  const perKey = total / KEYS;
  // Sent in 10 sends of 1,000, message i has key i % KEYS and is that key's message number i / KEYS.
  for (let from = 0; from < total; from += 1000) {
    const batch = [];
    for (let i = from; i < from + 1000; i++) batch.push({ key: Buffer.from(`k${i % KEYS}`), value: valueOf(i % KEYS, Math.floor(i / KEYS)) });
    await producer.send(topic, batch);
  }
  await producer.disconnect();
  const ends = await admin.endOffsets(topic);
  assert.deepEqual(ends.map((e) => e.partition), [0, 1, 2]);
  assert.equal(ends.reduce((n, e) => n + e.offset, 0), total, `end offsets ${JSON.stringify(ends)}: one per message`);

  const seen = new Map<string, number[]>(); // key -> seq numbers in arrival order
  const partitionOfKey = new Map<string, number>();
  let received = 0;
  const consumer = await kafka.consumer({ groupId: `${topic}-g` });
  await consumer.subscribe(topic);
  await consumer.run({
    eachBatch: async (b: ConsumedBatch) => {
      for (const m of b.messages) {
        const key = m.key?.toString() ?? 'null';
        const [vk, seq] = (m.value?.toString() ?? '').split('#');
        assert.equal(vk, key, 'value belongs to its key');
        const prev = partitionOfKey.get(key);
        assert.ok(prev === undefined || prev === b.partition, `key ${key} seen on partitions ${prev} and ${b.partition}`);
        partitionOfKey.set(key, b.partition);
        const list = seen.get(key) ?? [];
        list.push(Number(seq));
        seen.set(key, list);
        received++;
      }
    },
  });
  await waitFor('10,000 messages', () => received >= total, 60_000);
  await new Promise((r) => setTimeout(r, 1000)); // a duplicate would arrive now
  await consumer.disconnect();

  assert.equal(received, total);
  assert.equal(seen.size, KEYS);
  const expected = Array.from({ length: perKey }, (_, i) => i);
  for (const [key, seqs] of seen) assert.deepEqual(seqs, expected, `key ${key}: every message once, in send order`);
  assert.ok(new Set(partitionOfKey.values()).size > 1, 'keys are spread over the partitions');

  await admin.deleteTopic(topic);
  assert.equal((await admin.listTopics()).includes(topic), false);
  await admin.disconnect();
});

test('gzip round trip keeps keys, values and timestamps; createTopic reports an existing topic', { timeout: 60_000 }, async (t) => {
  const brokers = brokersOrSkip(t, found);
  if (!brokers) return;
  const kafka = createKafka({ brokers, clientId: 'test-gzip' });
  const topic = uniqueTopic('gzip');
  const admin = await kafka.admin();
  assert.equal(await admin.createTopic(topic, 1), true);
  assert.equal(await admin.createTopic(topic, 1), false);
  assert.ok((await admin.listTopics()).includes(topic));

  const producer = await kafka.producer({ compression: 'gzip' });
  const t0 = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
  const big = Buffer.alloc(64 * 1024, 'abc'); // compressible, larger than one socket read
  const msgs = Array.from({ length: 50 }, (_, i) => ({ key: Buffer.from([i, 255, 0]), value: Buffer.concat([Buffer.from([i]), big]), timestampMs: t0 + i }));
  await producer.send(topic, msgs);
  await producer.disconnect();

  const got: { key: Buffer | null; value: Buffer | null; ts: number; offset: string }[] = [];
  let nextOffset = '';
  const consumer = await kafka.consumer({ groupId: `${topic}-g` });
  await consumer.subscribe(topic);
  await consumer.run({
    autoCommit: false,
    eachBatch: async (b) => {
      for (const m of b.messages) got.push({ key: m.key, value: m.value, ts: m.timestampMs, offset: m.offset });
      nextOffset = b.nextOffset;
      await consumer.commit([{ topic, partition: b.partition, offset: b.nextOffset }]);
    },
  });
  await waitFor('50 messages', () => got.length >= 50, 30_000);
  await consumer.disconnect();
  assert.equal(got.length, 50);
  for (let i = 0; i < 50; i++) {
    assert.deepEqual(got[i]?.key, Buffer.from([i, 255, 0]));
    assert.ok(got[i]?.value?.equals(msgs[i]!.value), `value ${i}`);
    assert.equal(got[i]?.ts, t0 + i);
    assert.equal(got[i]?.offset, String(i));
  }
  assert.equal(nextOffset, '50');

  // The committed offset is the group's restart point: a new member of the group reads nothing old.
  const again = await kafka.consumer({ groupId: `${topic}-g` });
  await again.subscribe(topic);
  let reread = 0;
  await again.run({ eachBatch: async (b) => void (reread += b.messages.length) });
  await waitFor('assignment', () => (again.assignment().get(topic)?.length ?? 0) === 1, 30_000);
  const p2 = await kafka.producer();
  await p2.send(topic, [{ key: Buffer.from('late'), value: Buffer.from('x') }]);
  await p2.disconnect();
  await waitFor('the one new message', () => reread >= 1, 30_000);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(reread, 1);
  await again.disconnect();
  await admin.deleteTopic(topic);
  await admin.disconnect();
});

test('a committed offset keeps its metadata; admin fetchOffsets reads both back', { timeout: 60_000 }, async (t) => {
  const brokers = brokersOrSkip(t, found);
  if (!brokers) return;
  const kafka = createKafka({ brokers, clientId: 'test-offset-metadata' });
  const topic = uniqueTopic('offset-metadata');
  const admin = await kafka.admin();
  await admin.createTopic(topic, 2);
  const producer = await kafka.producer();
  await producer.send(topic, [{ key: Buffer.from('a'), value: Buffer.from('1') }, { key: Buffer.from('a'), value: Buffer.from('2') }]);
  await producer.disconnect();
  const group = `${topic}-g`;
  let part = -1;
  let consumed = 0;
  const consumer = await kafka.consumer({ groupId: group });
  await consumer.subscribe(topic);
  await consumer.run({
    autoCommit: false,
    eachBatch: async (b) => {
      part = b.partition;
      consumed += b.messages.length;
    },
  });
  await waitFor('2 messages', () => consumed >= 2, 30_000);
  const before = await admin.fetchOffsets(group, topic);
  assert.deepEqual(before.map((p) => p.offset), ['-1', '-1'], 'nothing committed yet');
  await consumer.commit([{ topic, partition: part, offset: '1', metadata: 'tcplens-test {"x":[1,2]}' }]);
  const after = await admin.fetchOffsets(group, topic);
  await consumer.disconnect();
  await admin.deleteTopic(topic);
  await admin.disconnect();
  assert.deepEqual(after.find((p) => p.partition === part), { partition: part, offset: '1', metadata: 'tcplens-test {"x":[1,2]}' });
});

test('partitionForKey says where the producer puts a keyed message; partitionCount reads the topic', { timeout: 60_000 }, async (t) => {
  const brokers = brokersOrSkip(t, found);
  if (!brokers) return;
  const kafka = createKafka({ brokers, clientId: 'test-partition-for-key' });
  const topic = uniqueTopic('partition-for-key');
  const admin = await kafka.admin();
  t.after(() => admin.disconnect());
  assert.equal(await admin.createTopic(topic, 6), true);
  assert.equal(await admin.partitionCount(topic), 6);
  // 2-byte keys as the sensor's buckets, a different number of messages per key so that every
  // partition's count identifies which keys went there.
  const producer = await kafka.producer({ idempotent: true, acks: 'all' });
  const expected = [0, 0, 0, 0, 0, 0];
  const messages = [];
  for (let k = 0; k < 64; k++) {
    const key = Buffer.from([k >> 8, k & 255]);
    const copies = 1 + (k % 7);
    for (let c = 0; c < copies; c++) messages.push({ key, value: Buffer.from(`${k}/${c}`) });
    expected[partitionForKey(key, 6)]! += copies;
  }
  await producer.send(topic, messages);
  await producer.disconnect();
  const ends = await admin.endOffsets(topic);
  assert.deepEqual(ends.map((e) => e.offset), expected);
  assert.ok(expected.filter((n) => n > 0).length >= 5, `keys spread over the partitions: ${expected}`);
  assert.throws(() => partitionForKey(Buffer.from([0, 1]), 0), RangeError);
});
