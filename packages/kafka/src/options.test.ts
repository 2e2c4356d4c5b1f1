import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaError } from './errors.js';
import { createKafka } from './kafka.js';
import { toKafkaError } from './map-error.js';
import { resolveProducerOptions } from './options.js';

test('options: every problem reported at once with the OPTIONS code, not retriable', () => {
  assert.throws(
    () => createKafka({ brokers: ['nohost', 'h:1'], clientId: '', retries: -1 }),
    (e: unknown) =>
      e instanceof KafkaError &&
      e.code === 'TCPLENS_ERR_KAFKA_OPTIONS' &&
      !e.retriable &&
      e.message.includes('"nohost"') &&
      e.message.includes('clientId') &&
      e.message.includes('retries') &&
      !e.message.includes('"h:1"'),
  );
  assert.throws(() => createKafka({ brokers: [], clientId: 'x' }), /at least one/);
  assert.throws(() => resolveProducerOptions({ idempotent: true, acks: 'leader' }), /idempotent producer needs acks 'all'/);
  assert.throws(() => resolveProducerOptions({ compression: 'zstd' as 'gzip' }), /compression/);
  assert.deepEqual({ ...resolveProducerOptions({}) }, { idempotent: true, acks: 'all', compression: 'none' });
});

// Shapes copied from kafkajs 2.2.4 src/errors.js: name, retriable, type, cause chain.
const js = (name: string, message: string, extra: object = {}) => Object.assign(new Error(message), { name, retriable: true, ...extra });

test('error mapping: kafkajs chains map to stable codes, retriable where retrying can help', () => {
  const refused = js('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.9:9092');
  const spent = js('KafkaJSNumberOfRetriesExceeded', refused.message, { retriable: false, cause: refused });
  const a = toKafkaError(js('KafkaJSNonRetriableError', spent.message, { retriable: false, cause: spent }), ['127.0.0.9:9092'], 'connect');
  assert.equal(a.code, 'TCPLENS_ERR_KAFKA_UNREACHABLE');
  assert.equal(a.retriable, true);
  assert.match(a.message, /\[127\.0\.0\.9:9092\].*ECONNREFUSED/);

  const notLeader = js('KafkaJSProtocolError', 'not leader', { type: 'NOT_LEADER_FOR_PARTITION', retriable: true });
  assert.deepEqual([toKafkaError(notLeader, ['b:1'], 'send').code, toKafkaError(notLeader, ['b:1'], 'send').retriable], ['TCPLENS_ERR_KAFKA_PROTOCOL', true]);
  const tooLarge = js('KafkaJSProtocolError', 'too large', { type: 'MESSAGE_TOO_LARGE', retriable: false });
  assert.equal(toKafkaError(tooLarge, ['b:1'], 'send').retriable, false);

  const unknown = js('KafkaJSProtocolError', 'unknown', { type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true });
  assert.equal(toKafkaError(unknown, ['b:1'], 'send').code, 'TCPLENS_ERR_KAFKA_TOPIC_UNKNOWN');
  assert.equal(toKafkaError(js('KafkaJSRequestTimeoutError', 'Request Metadata(key: 3, version: 6) timed out'), ['b:1'], 'x').code, 'TCPLENS_ERR_KAFKA_TIMEOUT');
  const other = toKafkaError(new TypeError('boom'), ['b:1'], 'x');
  assert.deepEqual([other.code, other.retriable, other.cause instanceof TypeError], ['TCPLENS_ERR_KAFKA_FAILED', false, true]);
});
