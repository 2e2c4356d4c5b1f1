import kafkajs from 'kafkajs';
import type { Kafka, Message } from 'kafkajs';
import { mapped } from './map-error.js';
import type { ResolvedProducerOptions } from './options.js';
import type { KafkaProducer, OutgoingMessage } from './types.js';

const { CompressionTypes, Partitioners } = kafkajs;

const COMPRESSION = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP } as const;
const ACKS = { all: -1, leader: 1 } as const;

/**
 * Retries stay bounded even for the idempotent producer (kafkajs would retry forever): a send to a
 * dead cluster must fail in bounded time so the caller can decide. The price: a send that failed
 * may have been partly written, and resending it can duplicate messages (at least once, not
 * exactly once). maxInFlightRequests 1 keeps per-partition order across kafkajs's retries.
 */
export async function createProducer(
  js: Kafka,
  brokers: readonly string[],
  o: ResolvedProducerOptions,
  retries: number,
): Promise<KafkaProducer> {
  const p = js.producer({
    idempotent: o.idempotent,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Math.max(retries, o.idempotent ? 1 : 0) },
  });
  await p.connect();
  const acks = ACKS[o.acks];
  const compression = COMPRESSION[o.compression];
  return {
    send: (topic: string, messages: readonly OutgoingMessage[]) =>
      mapped(brokers, `send ${messages.length} message(s) to ${topic}`, async () => {
        const out: Message[] = new Array<Message>(messages.length);
        for (let i = 0; i < messages.length; i++) {
          const m = messages[i]!;
          out[i] = m.timestampMs === undefined ? { key: m.key, value: m.value } : { key: m.key, value: m.value, timestamp: String(m.timestampMs) };
        }
        await p.send({ topic, messages: out, acks, compression });
      }),
    disconnect: () => mapped(brokers, 'disconnect producer', () => p.disconnect()),
  };
}
