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
      return mapped(brokers, `create topic ${name}`, () =>
        a.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true }),
      );
    },
    deleteTopic: (name) => mapped(brokers, `delete topic ${name}`, () => a.deleteTopics({ topics: [name] })),
    listTopics: () => mapped(brokers, 'list topics', () => a.listTopics()),
    endOffsets: (topic) =>
      mapped(brokers, `fetch end offsets of ${topic}`, async () =>
        (await a.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: Number(p.high) })).sort((x, y) => x.partition - y.partition),
      ),
    disconnect: () => mapped(brokers, 'disconnect admin', () => a.disconnect()),
  };
}
