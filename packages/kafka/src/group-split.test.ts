import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaError } from './errors.js';
import { createKafka } from './kafka.js';
import { brokersForTests } from './test-broker.js';
import { brokersOrSkip, uniqueTopic, waitFor } from './test-support.js';
import type { KafkaConsumer } from './types.js';

const found = await brokersForTests();

test('two consumers of one group split the 4 partitions of a topic, each message reaching one of them', { timeout: 120_000 }, async (t) => {
  const brokers = brokersOrSkip(t, found);
  if (!brokers) return;
  const kafka = createKafka({ brokers, clientId: 'test-group-split' });
  const topic = uniqueTopic('split');
  const admin = await kafka.admin();
  await admin.createTopic(topic, 4);

  const groupId = `${topic}-g`;
  const got = [new Map<number, string[]>(), new Map<number, string[]>()]; // per member: partition -> values
  const members: KafkaConsumer[] = [];
  for (const mine of got) {
    const c = await kafka.consumer({ groupId });
    await c.subscribe(topic);
    await c.run({
      eachBatch: async (b) => {
        const list = mine.get(b.partition) ?? [];
        for (const m of b.messages) list.push(m.value?.toString() ?? '');
        mine.set(b.partition, list);
      },
    });
    members.push(c);
  }
  const owned = (i: number) => members[i]?.assignment().get(topic) ?? [];
  // The first member owns all 4 until the second joins and the group rebalances.
  await waitFor('a 2+2 split', () => owned(0).length === 2 && owned(1).length === 2, 60_000);
  assert.deepEqual([...owned(0), ...owned(1)].sort(), [0, 1, 2, 3]);

  const producer = await kafka.producer();
  const total = 400;
  await producer.send(topic, Array.from({ length: total }, (_, i) => ({ key: Buffer.from(`key-${i}`), value: Buffer.from(String(i)) })));
  await producer.disconnect();
  const count = () => [...got[0]!.values(), ...got[1]!.values()].reduce((n, l) => n + l.length, 0);
  await waitFor(`${total} messages`, () => count() >= total, 60_000);
  await new Promise((r) => setTimeout(r, 500));

  assert.equal(count(), total);
  for (let i = 0; i < 2; i++) {
    assert.deepEqual([...got[i]!.keys()].sort(), [...owned(i)], `member ${i} read only (and all of) its own partitions`);
  }
  const values = [...got[0]!.values(), ...got[1]!.values()].flat().map(Number).sort((a, b) => a - b);
  assert.deepEqual(values, Array.from({ length: total }, (_, i) => i));

  for (const c of members) await c.disconnect();
  await admin.deleteTopic(topic);
  await admin.disconnect();
});

test('sending to a topic that does not exist fails with TOPIC_UNKNOWN (auto-creation is off)', { timeout: 60_000 }, async (t) => {
  const brokers = brokersOrSkip(t, found);
  if (!brokers) return;
  const kafka = createKafka({ brokers, clientId: 'test-no-topic', retries: 1 });
  const producer = await kafka.producer();
  const topic = uniqueTopic('missing');
  await assert.rejects(
    producer.send(topic, [{ key: Buffer.from('k'), value: Buffer.from('v') }]),
    (e: unknown) => e instanceof KafkaError && e.code === 'TCPLENS_ERR_KAFKA_TOPIC_UNKNOWN' && e.message.includes(topic),
  );
  await producer.disconnect();
  const admin = await kafka.admin();
  assert.equal((await admin.listTopics()).includes(topic), false, 'the failed send created no topic');
  await admin.disconnect();
});
