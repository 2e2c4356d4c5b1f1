/**
 * The partition the producer gives a keyed message, computed with kafkajs's own DefaultPartitioner
 * (murmur2 of the key, as the Java client): a caller that must reach every partition a set of keys
 * reaches (the sensor's watermarks) can pick one key per partition instead of sending under all.
 */
import kafkajs from 'kafkajs';

const { Partitioners } = kafkajs;
const partitioner = Partitioners.DefaultPartitioner();
const metadataCache = new Map<number, { partitionId: number; leader: number; replicas: number[]; isr: number[]; partitionErrorCode: number }[]>();

export function partitionForKey(key: string | Buffer, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be an integer >= 1, got ${partitions}`);
  let meta = metadataCache.get(partitions);
  if (meta === undefined) {
    meta = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
    metadataCache.set(partitions, meta);
  }
  return partitioner({ topic: '', partitionMetadata: meta, message: { key, value: null } });
}
