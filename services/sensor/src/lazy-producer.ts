import type { KafkaClient, KafkaProducer, ProducerOptions } from '@tcplens/kafka';

/**
 * A producer that connects on first send and reconnects after a failed connect: a sensor must start
 * (and capture into its spool) while Kafka is down, and a plain producer cannot even be created then.
 */
export function lazyProducer(kafka: KafkaClient, opts: ProducerOptions): KafkaProducer {
  let p: KafkaProducer | null = null;
  return {
    async send(topic, messages) {
      p ??= await kafka.producer(opts);
      await p.send(topic, messages);
    },
    async disconnect() {
      const q = p;
      p = null;
      if (q) await q.disconnect();
    },
  };
}
