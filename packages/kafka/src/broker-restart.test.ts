import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaError } from './errors.js';
import { createKafka } from './kafka.js';
import { localBroker } from './test-broker.js';
import { uniqueTopic, waitFor } from './test-support.js';

// A private broker of deploy/kafka/local.sh (own port, data, pid), so stopping it disturbs no other test.
const PORT = 29092;

test('broker stop/restart: a send fails with a retriable code while it is down, and works again, data kept', { timeout: 240_000 }, async (t) => {
  const broker = localBroker(PORT);
  const addr = await broker.start();
  t.after(() => broker.stop());
  assert.equal(addr, `127.0.0.1:${PORT}`);

  const kafka = createKafka({ brokers: [addr], clientId: 'test-restart', retries: 2 });
  const topic = uniqueTopic('restart');
  const admin = await kafka.admin();
  await admin.createTopic(topic, 2);
  await admin.disconnect();
  const producer = await kafka.producer();
  const batch = (tag: string) => Array.from({ length: 100 }, (_, i) => ({ key: Buffer.from(`k${i % 7}`), value: Buffer.from(`${tag}${i}`) }));
  await producer.send(topic, batch('a'));

  await broker.stop();
  const t0 = Date.now();
  await assert.rejects(producer.send(topic, batch('lost')), (e: unknown) => {
    assert.ok(e instanceof KafkaError, String(e));
    assert.equal(e.retriable, true, `${e.code}: ${e.message}`);
    assert.equal(e.code, 'TCPLENS_ERR_KAFKA_UNREACHABLE', e.message);
    assert.ok(e.message.includes(addr), e.message);
    return true;
  });
  assert.ok(Date.now() - t0 < 30_000, `send to a stopped broker gave up after ${Date.now() - t0} ms`);

  assert.equal(await broker.start(), addr);
  await producer.send(topic, batch('b')); // the same producer reconnects by itself
  await producer.disconnect();

  const values = new Set<string>();
  const consumer = await kafka.consumer({ groupId: `${topic}-g` });
  await consumer.subscribe(topic);
  await consumer.run({ eachBatch: async (b) => b.messages.forEach((m) => values.add(m.value?.toString() ?? '')) });
  await waitFor('200 messages', () => values.size >= 200, 60_000);
  await consumer.disconnect();
  for (let i = 0; i < 100; i++) assert.ok(values.has(`a${i}`) && values.has(`b${i}`), `a${i} and b${i} survived`);
  assert.equal([...values].some((v) => v.startsWith('lost')), false, 'nothing of the failed send was written');
});
