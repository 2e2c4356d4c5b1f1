import type { Kafka } from 'kafkajs';
import { mapped, toKafkaError } from './map-error.js';
import type { ConsumedMessage, ConsumerOptions, KafkaConsumer, RunOptions } from './types.js';

export async function createConsumer(
  js: Kafka,
  brokers: readonly string[],
  o: ConsumerOptions,
  retries: number,
): Promise<KafkaConsumer> {
  const group = o.groupId;
  const c = js.consumer({ groupId: group, allowAutoTopicCreation: false, retry: { retries } });
  let assigned = new Map<string, readonly number[]>();
  c.on(c.events.GROUP_JOIN, (ev) => {
    const next = new Map<string, readonly number[]>();
    for (const [topic, parts] of Object.entries(ev.payload.memberAssignment)) next.set(topic, [...parts].sort((x, y) => x - y));
    assigned = next;
  });
  if (o.onCrash) {
    const onCrash = o.onCrash;
    c.on(c.events.CRASH, (ev) => onCrash(toKafkaError(ev.payload.error, brokers, `consume as group ${group}`), ev.payload.restart));
  }
  await c.connect();
  return {
    subscribe: (topic, s = {}) =>
      mapped(brokers, `subscribe group ${group} to ${topic}`, () => c.subscribe({ topics: [topic], fromBeginning: s.fromBeginning ?? true })),
    run: (r: RunOptions) =>
      mapped(brokers, `run consumer of group ${group}`, () =>
        c.run({
          autoCommit: r.autoCommit ?? true,
          eachBatchAutoResolve: true,
          eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
            const messages: ConsumedMessage[] = batch.messages.map((m) => ({
              key: m.key ?? null,
              value: m.value ?? null,
              offset: m.offset,
              timestampMs: Number(m.timestamp),
            }));
            await r.eachBatch({
              topic: batch.topic,
              partition: batch.partition,
              messages,
              nextOffset: (BigInt(batch.lastOffset()) + 1n).toString(),
              heartbeat,
              isRunning: () => isRunning() && !isStale(),
            });
          },
        }),
      ),
    commit: (offsets) =>
      mapped(brokers, `commit offsets of group ${group}`, () =>
        c.commitOffsets(offsets.map((x) => ({ topic: x.topic, partition: x.partition, offset: x.offset, metadata: x.metadata ?? null }))),
      ),
    assignment: () => assigned,
    disconnect: () => mapped(brokers, `disconnect consumer of group ${group}`, () => c.disconnect()),
  };
}
