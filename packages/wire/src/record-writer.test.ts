import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { R, RECORD_SIZE } from './layout.js';
import { LITTLE_ENDIAN_HOST, writeRecord } from './record-writer.js';
import { randomPacket, rng } from './test-support.js';

test('the word-store address copy and the byte-loop fallback (big-endian hosts) write the same record', () => {
  const rand = rng(7);
  for (let i = 0; i < 50; i++) {
    const p = randomPacket(rand);
    const a = new Uint8Array(100 + 3 * RECORD_SIZE);
    const b = new Uint8Array(a.length);
    const off = 100 + (i % 3) * RECORD_SIZE;
    writeRecord(a, new DataView(a.buffer), LITTLE_ENDIAN_HOST ? new Uint32Array(a.buffer) : null, off, p);
    writeRecord(b, new DataView(b.buffer), null, off, p);
    assert.deepEqual(a, b);
    assert.deepEqual(a.subarray(off + R.SRC, off + R.SRC + 16), p.src);
    assert.deepEqual(a.subarray(off + R.DST, off + R.DST + 16), p.dst);
  }
});
