import type { Kafka } from 'kafkajs';
import { KafkaError } from './errors.js';
import { mapped } from './map-error.js';
import type { KafkaAdmin } from './types.js';

export async function createAdmin(js: Kafka, brokers: readonly string[]): Promise<KafkaAdmin> {
  const a = js.admin();
  await a.connect();
  return {
    createTopic: (name, partitions) => {
      if (!Number.isInteger(partitions) || partitions < 1) {
        return Promise.reject(new KafkaError('TCPLENS_ERR_KAFKA_OPTIONS', `topic ${name}: partitions must be an integer >= 1`));
      }
      // Look first: kafkajs logs the broker's TOPIC_ALREADY_EXISTS answer at error level, which
      // every sensor and tracker after the first would print at start.
      return mapped(brokers, `create topic ${name}`, async () =>
        (await a.listTopics()).includes(name)
          ? false
          : a.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true }),
      );
    },
    deleteTopic: (name) => mapped(brokers, `delete topic ${name}`, () => a.deleteTopics({ topics: [name] })),
    listTopics: () => mapped(brokers, 'list topics', () => a.listTopics()),
    fetchOffsets: (groupId, topic) =>
      mapped(brokers, `fetch committed offsets of group ${groupId}`, async () => {
        const r = await a.fetchOffsets({ groupId, topics: [topic] });
        return (r.find((t) => t.topic === topic)?.partitions ?? [])
          .map((x) => ({ partition: x.partition, offset: x.offset, metadata: x.metadata ?? null }))
          .sort((x, y) => x.partition - y.partition);
      }),
    endOffsets: (topic) =>
      mapped(brokers, `fetch end offsets of ${topic}`, async () =>
        (await a.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: Number(p.high) })).sort((x, y) => x.partition - y.partition),
      ),
    partitionCount: (topic) =>
      mapped(brokers, `fetch the partitions of ${topic}`, async () => {
        const m = await a.fetchTopicMetadata({ topics: [topic] });
        return m.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
      }),
    disconnect: () => mapped(brokers, 'disconnect admin', () => a.disconnect()),
  };
}
