import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { BatchBuilder, MAX_CAPACITY, openBatch, WireError, HEADER_SIZE, RECORD_SIZE } from './index.js';
import { randomPacket, rng, snapshot } from './test-support.js';

const isCode = (code: string) => (e: unknown) => e instanceof WireError && e.code === code && !e.retriable;

test('append returns false when full and changes nothing; reset empties the batch', () => {
  const r = rng(3);
  const b = new BatchBuilder('s', 3);
  const ps = [randomPacket(r), randomPacket(r), randomPacket(r)];
  for (const p of ps) assert.equal(b.append(p), true);
  assert.equal(b.full, true);
  const before = b.finish().slice();
  assert.equal(b.append(randomPacket(r)), false);
  assert.equal(b.size, 3);
  assert.deepEqual(b.finish(), before);
  b.reset();
  assert.equal(b.size, 0);
  assert.equal(b.full, false);
  assert.equal(b.append(ps[2]!), true);
  const again = openBatch(b.finish());
  assert.equal(again.count, 1);
  assert.equal(again.firstTsSec, ps[2]!.tsSec);
  assert.deepEqual(snapshot(again.packets().at(0)), ps[2]);
});

test('an empty batch is valid, with zero timestamps', () => {
  const bytes = new BatchBuilder('s', 1).finish();
  assert.equal(bytes.length, HEADER_SIZE);
  const r = openBatch(bytes);
  assert.equal(r.count, 0);
  assert.equal(r.firstTsSec + r.lastTsSec, 0);
  assert.equal(r.packets().next(), false);
});

test('finish returns a view of the builder buffer, sized to the records appended', () => {
  const r = rng(4);
  const b = new BatchBuilder('s', 10);
  b.append(randomPacket(r));
  const first = b.finish();
  assert.equal(first.length, HEADER_SIZE + RECORD_SIZE);
  b.append(randomPacket(r));
  const second = b.finish();
  assert.equal(second.length, HEADER_SIZE + 2 * RECORD_SIZE);
  assert.equal(first.buffer, second.buffer, 'both views share the builder buffer');
  // the header under the old view changed, as documented: copy before appending again
  assert.throws(() => openBatch(first), isCode('TCPLENS_ERR_WIRE_TRUNCATED'));
});

test('sensor ids: 63 UTF-8 bytes accepted, 64 rejected with a clear error, empty rejected', () => {
  assert.equal(openBatch(new BatchBuilder('a'.repeat(63), 1).finish()).sensorId, 'a'.repeat(63));
  const twoByte = 'é'.repeat(32); // 32 characters, 64 bytes
  assert.throws(() => new BatchBuilder(twoByte, 1), (e: unknown) => {
    assert.ok(isCode('TCPLENS_ERR_WIRE_SENSOR_ID')(e));
    assert.match((e as Error).message, /64 UTF-8 bytes; the wire format allows at most 63/);
    return true;
  });
  assert.throws(() => new BatchBuilder('', 1), isCode('TCPLENS_ERR_WIRE_SENSOR_ID'));
});

test('capacity outside 1..MAX_CAPACITY is rejected', () => {
  for (const c of [0, -1, 1.5, MAX_CAPACITY + 1, Number.NaN]) {
    assert.throws(() => new BatchBuilder('s', c), isCode('TCPLENS_ERR_WIRE_CAPACITY'), String(c));
  }
  assert.equal(new BatchBuilder('s', MAX_CAPACITY).capacity, MAX_CAPACITY);
});

test('a value that does not fit its field throws FIELD_RANGE naming it, and is not counted', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['payloadLen', { payloadLen: 65536 }],
    ['tsSec', { tsSec: 2 ** 32 }],
    ['tsNsec', { tsNsec: 1_000_000_000 }],
    ['seq', { seq: -1 }],
    ['srcPort', { srcPort: 1.5 }],
    ['ttl', { ttl: 256 }],
    ['ipVersion', { ipVersion: 5 }],
    ['src.length', { src: new Uint8Array(4) }],
  ];
  const b = new BatchBuilder('s', 4);
  for (const [field, patch] of cases) {
    const p = { ...randomPacket(rng(9)), ...patch } as ReturnType<typeof randomPacket>;
    assert.throws(() => b.append(p), (e: unknown) => isCode('TCPLENS_ERR_WIRE_FIELD_RANGE')(e) && (e as Error).message.startsWith(field));
    assert.equal(b.size, 0);
  }
});
