import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { BatchKind, BatchReader, encodeWatermark, WatermarkReason, WireError, type Watermark } from './index.js';

const wm: Watermark = {
  clockSec: 1700000001,
  clockNsec: 5,
  reason: WatermarkReason.end_of_input,
  packetsCaptured: 2 ** 32 + 5,
  kernelDrops: 7,
  interfaceDrops: 0,
  decodeErrors: Number.MAX_SAFE_INTEGER,
  spoolDrops: 1,
};

test('watermark round trip, counters beyond 32 bits included', () => {
  const r = new BatchReader().open(encodeWatermark('s1', wm));
  assert.equal(r.kind, BatchKind.watermark);
  assert.equal(r.sensorId, 's1');
  assert.deepEqual([r.firstTsSec, r.lastTsSec, r.lastTsNsec], [1700000001, 1700000001, 5]);
  assert.deepEqual(r.watermark(), wm);
  assert.throws(() => r.packets(), (e: unknown) => e instanceof WireError && e.code === 'TCPLENS_ERR_WIRE_KIND');
});

test('watermark bytes sit at the documented offsets', () => {
  const b = encodeWatermark('s1', wm);
  const hex = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('hex');
  assert.equal(b.length, 156);
  assert.equal(hex(12, 20), '020038000100' + '0000'); // kind 2, flags 0, size 56, count 1
  assert.equal(hex(100, 109), '01f1536505000000' + '02'); // clock 1700000001, nsec 5, reason 2
  assert.equal(hex(109, 116), '00000000000000');
  assert.equal(hex(116, 124), '0500000001000000'); // packetsCaptured 2^32 + 5
  assert.equal(hex(124, 132), '0700000000000000');
  assert.equal(hex(140, 148), 'ffffffffffff1f00'); // decodeErrors 2^53 - 1
  assert.equal(hex(148, 156), '0100000000000000');
});

test('watermark counters that are negative or beyond 2^53 are refused', () => {
  for (const bad of [-1, 2 ** 53, 0.5]) {
    assert.throws(() => encodeWatermark('s1', { ...wm, spoolDrops: bad }), (e: unknown) => e instanceof WireError && e.code === 'TCPLENS_ERR_WIRE_FIELD_RANGE');
  }
});
