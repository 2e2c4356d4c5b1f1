import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaError } from './errors.js';
import { createKafka } from './kafka.js';

// Port 1 on loopback: nothing listens, so every connect is refused at once.
const DEAD = ['127.0.0.1:1'];

function isUnreachable(e: unknown): boolean {
  return (
    e instanceof KafkaError &&
    e.code === 'TCPLENS_ERR_KAFKA_UNREACHABLE' &&
    e.retriable &&
    e.message.includes('127.0.0.1:1') &&
    e.message.includes('ECONNREFUSED')
  );
}

test('unreachable broker: producer, consumer and admin fail with the UNREACHABLE code, bounded by default retries', { timeout: 60_000 }, async () => {
  const kafka = createKafka({ brokers: DEAD, clientId: 'test-unreachable' });
  const t0 = Date.now();
  const results = await Promise.allSettled([kafka.producer(), kafka.consumer({ groupId: 'g-dead' }), kafka.admin()]);
  const elapsed = Date.now() - t0;
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    if (r.status === 'rejected') assert.ok(isUnreachable(r.reason), String(r.reason));
  }
  // Default: 5 retries, 300 ms doubling with jitter: about 10 s, never kafkajs's endless idempotent retry.
  assert.ok(elapsed < 25_000, `gave up after ${elapsed} ms`);
});

test('unreachable broker: fewer retries give up sooner, and the message names every broker', { timeout: 20_000 }, async () => {
  const kafka = createKafka({ brokers: [...DEAD, '127.0.0.1:2'], clientId: 'test-unreachable', retries: 1 });
  const t0 = Date.now();
  await assert.rejects(kafka.producer(), (e: unknown) => isUnreachable(e) && (e as Error).message.includes('127.0.0.1:2'));
  assert.ok(Date.now() - t0 < 5_000, `gave up after ${Date.now() - t0} ms`);
});
