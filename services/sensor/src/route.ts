/**
 * Which Kafka message key a segment travels under. Both directions of a connection, and every
 * sensor's copy of it, must reach the same partition (one tracker holds the whole connection), so
 * the bucket is a symmetric hash of the two (address, port) endpoints: hash(a) + hash(b) does not
 * depend on which is the source. The key is the bucket number; Kafka's murmur2 partitioner then maps
 * keys to partitions, identically for every sensor.
 */
import type { TcpPacket } from '@tcplens/packet';

export const DEFAULT_BUCKETS = 256;

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function endpointHash(a: Uint8Array, port: number): number {
  let h = mix(port + 0x9e3779b9);
  for (let i = 0; i < 16; i += 4) {
    h = mix(h ^ (((a[i] ?? 0) << 24) | ((a[i + 1] ?? 0) << 16) | ((a[i + 2] ?? 0) << 8) | (a[i + 3] ?? 0)));
  }
  return h;
}

/** The bucket (0..buckets-1) of a segment; the same for both directions. */
export function bucketOf(p: TcpPacket, buckets: number): number {
  const h = mix((endpointHash(p.src, p.srcPort) + endpointHash(p.dst, p.dstPort)) | 0) >>> 0;
  return h % buckets;
}

/** The message key of a bucket: 2 bytes, big-endian. */
export function bucketKey(bucket: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(bucket, 0);
  return b;
}
