import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brokersForTests, createKafka } from '@tcplens/kafka';
import type { ConsumedBatch } from '@tcplens/kafka';
import { kafkaSink } from './kafka-sink.js';
import type { AlertEvent } from './alert.js';

const found = await brokersForTests();
const ci = /^(1|true|yes)$/i.test(process.env['CI'] ?? '');
if (found.skip !== undefined && ci) throw new Error(`Kafka sink test must run in CI: ${found.skip}`);

const event = (state: 'firing' | 'resolved'): AlertEvent => ({
  rule: 'rst-spike', scope: { kind: 'service', server: '10.0.0.1:81', resp_h: '::ffff:10.0.0.1', resp_p: 81 }, observed: 0.5, baseline: 0.03,
  threshold: 0.08, reason: 'baseline', windowStartUs: 1_709_294_400_000_000, windowEndUs: 1_709_294_410_000_000, conns: 60, rsts: 30,
  topClients: [], topSensors: [], exampleUids: ['Cx1'], sql: 'SELECT 1',
  state, startedUs: 1_709_294_410_000_000, resolvedUs: state === 'resolved' ? 1_709_294_420_000_000 : null,
});

test('alerts reach a real Kafka topic as JSON, keyed by rule and scope, firing before resolved', { skip: found.skip ?? false, timeout: 120_000 }, async () => {
  const brokers = found.brokers!;
  const topic = `tcplens-alerts-test-${process.pid}-${Date.now()}`;
  const kafka = createKafka({ brokers, clientId: 'alerter-test' });
  const admin = await kafka.admin();
  // a broker local.sh just started may close the first connections while it finishes starting
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.createTopic(topic, 3);
      break;
    } catch (err) {
      if (attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  const sink = await kafkaSink({ brokers, topic });
  await sink.deliver(event('firing'));
  await sink.deliver(event('resolved'));
  await sink.close?.();
  assert.equal(sink.sent(), 2);

  const got: { key: string; value: Record<string, unknown>; partition: number }[] = [];
  const consumer = await kafka.consumer({ groupId: `${topic}-g` });
  await consumer.subscribe(topic);
  await consumer.run({
    eachBatch: async (b: ConsumedBatch) => {
      for (const m of b.messages) got.push({ key: String(m.key), value: JSON.parse(String(m.value)) as Record<string, unknown>, partition: b.partition });
    },
  });
  const deadline = Date.now() + 60_000;
  while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  await admin.deleteTopic(topic);
  await admin.disconnect();
  assert.deepEqual(got.map((g) => [g.key, g.value['state']]), [['rst-spike|service:10.0.0.1:81', 'firing'], ['rst-spike|service:10.0.0.1:81', 'resolved']]);
  assert.equal(got[0]!.partition, got[1]!.partition);
  assert.equal(got[1]!.value['resolved_at'], '2024-03-01T12:00:20.000Z');
});
