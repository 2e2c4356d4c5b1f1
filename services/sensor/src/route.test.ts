import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TcpPacket } from '@tcplens/packet';
import { bucketKey, bucketOf } from './route.js';

function v4(a: number, b: number, c: number, d: number): Uint8Array {
  return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d]);
}
function pkt(src: Uint8Array, sp: number, dst: Uint8Array, dp: number): TcpPacket {
  return { src, dst, srcPort: sp, dstPort: dp } as unknown as TcpPacket;
}

test('both directions of a connection get the same bucket', () => {
  for (let i = 0; i < 500; i++) {
    const a = v4(10, 0, i >> 8, i & 255);
    const b = v4(192, 168, 1, 1 + (i % 5));
    assert.equal(bucketOf(pkt(a, 30000 + i, b, 443), 256), bucketOf(pkt(b, 443, a, 30000 + i), 256));
  }
});

test('connections spread over the buckets (no bucket holds more than 3x its share)', () => {
  const counts = new Array<number>(64).fill(0);
  const n = 64_000;
  for (let i = 0; i < n; i++) counts[bucketOf(pkt(v4(10, 1, i >> 8, i & 255), 40000 + (i % 1000), v4(1, 1, 1, 1), 80), 64)]!++;
  assert.ok(Math.max(...counts) < (3 * n) / 64, `max ${Math.max(...counts)}`);
  assert.ok(Math.min(...counts) > n / 64 / 3, `min ${Math.min(...counts)}`);
});

test('the same endpoints with the ports swapped between sides are a different connection', () => {
  const a = v4(10, 0, 0, 1);
  const b = v4(10, 0, 0, 2);
  const buckets = new Set<number>();
  for (let p = 1000; p < 1100; p++) buckets.add(bucketOf(pkt(a, p, b, 80), 256));
  assert.ok(buckets.size > 50, 'the source port moves the bucket');
});

test('the message key is the bucket as 2 big-endian bytes', () => {
  assert.deepEqual([...bucketKey(0x0102)], [1, 2]);
  assert.deepEqual([...bucketKey(255)], [0, 255]);
});
