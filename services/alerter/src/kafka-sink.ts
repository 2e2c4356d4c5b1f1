/**
 * Alerts to a Kafka topic through @tcplens/kafka: the value is the event's JSON, the key is
 * "rule|scope" so every event of one alert lands in one partition, in order (firing before resolved).
 */
import { createKafka } from '@tcplens/kafka';
import type { KafkaProducer } from '@tcplens/kafka';
import { alertJson, scopeKey, type AlertEvent } from './alert.js';
import type { KafkaSinkConfig } from './config.js';
import type { Sink } from './evaluator.js';

export async function kafkaSink(cfg: KafkaSinkConfig): Promise<Sink & { sent: () => number }> {
  const kafka = createKafka({ brokers: cfg.brokers, clientId: 'tcplens-alerter' });
  const producer: KafkaProducer = await kafka.producer();
  let sent = 0;
  return {
    name: 'kafka',
    sent: () => sent,
    async deliver(e: AlertEvent) {
      await producer.send(cfg.topic, [{ key: Buffer.from(`${e.rule}|${scopeKey(e.scope)}`), value: Buffer.from(JSON.stringify(alertJson(e))) }]);
      sent++;
    },
    close: () => producer.disconnect(),
  };
}
