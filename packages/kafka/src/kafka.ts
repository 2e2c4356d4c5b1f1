import kafkajs from 'kafkajs';
import type { logCreator as LogCreator } from 'kafkajs';
import './codec.js'; // kafkajs's gzip codec and Encoder, tuned (see there)
import { createAdmin } from './admin.js';
import { createConsumer } from './consumer.js';
import { mapped } from './map-error.js';
import { resolveKafkaOptions, resolveProducerOptions } from './options.js';
import { createProducer } from './producer.js';
import type { KafkaClient, KafkaLogger, KafkaLogLevel, KafkaOptions } from './types.js';

const { Kafka, logLevel: JsLevel } = kafkajs;

const TO_JS_LEVEL = { error: JsLevel.ERROR, warn: JsLevel.WARN, info: JsLevel.INFO, debug: JsLevel.DEBUG } as const;

/**
 * Hands kafkajs log entries to a pino-style logger. One warning is dropped on purpose: kafkajs warns
 * that bounded retries "may invalidate EoS guarantees" every time an idempotent producer is made,
 * and bounding them is our decision (see producer.ts), not news.
 */
function logCreatorFor(logger: KafkaLogger): LogCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _ts, logger: _l, ...extra } = log;
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      const obj = { component: 'kafkajs', namespace, ...extra };
      if (level === JsLevel.ERROR) logger.error(obj, message);
      else if (level === JsLevel.WARN) logger.warn(obj, message);
      else if (level === JsLevel.INFO) logger.info(obj, message);
      else logger.debug(obj, message);
    };
}

/** A client for one cluster. Nothing connects until producer(), consumer() or admin() is awaited. */
export function createKafka(options: KafkaOptions): KafkaClient {
  const o = resolveKafkaOptions(options);
  const level: KafkaLogLevel = o.logLevel;
  const js = new Kafka({
    clientId: o.clientId,
    brokers: [...o.brokers],
    connectionTimeout: o.connectionTimeoutMs,
    retry: { retries: o.retries, initialRetryTime: 300, maxRetryTime: 30_000 },
    logLevel: o.logger ? TO_JS_LEVEL[level] : JsLevel.NOTHING,
    ...(o.logger ? { logCreator: logCreatorFor(o.logger) } : {}),
  });
  const brokers = o.brokers;
  return {
    brokers,
    producer: (p = {}) => {
      const po = resolveProducerOptions(p);
      return mapped(brokers, 'connect producer', () => createProducer(js, brokers, po, o.retries));
    },
    consumer: (c) => mapped(brokers, `connect consumer of group ${c.groupId}`, () => createConsumer(js, brokers, c, o.retries)),
    admin: () => mapped(brokers, 'connect admin', () => createAdmin(js, brokers)),
  };
}
