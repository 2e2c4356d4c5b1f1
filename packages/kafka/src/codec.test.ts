import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { compressGzip, decompressGzip, Encoder, ENCODER_SHAPE_OK, gzipSize } from './codec.js';

/** Deterministic bytes: compressible (repeating 80-byte records with a counter) or not. */
function bytes(n: number, compressible: boolean, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = compressible ? (i % 80 < 8 ? (i / 80) & 255 : i % 80) : x >>> 24;
  }
  return b;
}

test('gzip codec: round trips of empty, small, wire-sized and incompressible inputs, readable by any gunzip', async () => {
  for (const [n, compressible] of [[0, true], [1, true], [100, false], [350_000, true], [300_000, false], [3_000_000, true]] as const) {
    const input = bytes(n, compressible, n + 7);
    const packed = await compressGzip(input);
    assert.ok(gunzipSync(packed).equals(input), `zlib reads our output (${n} bytes)`);
    assert.equal(gzipSize(packed), n);
    const back = await decompressGzip(packed);
    assert.ok(back.equals(input), `round trip of ${n} bytes`);
    if (compressible && n > 1000) assert.ok(packed.length < n / 3, `${n} bytes compressed to ${packed.length}`);
  }
});

test('gzip codec: a size field that lies (two gzip members, as another producer may write) still decompresses whole', async () => {
  const a = bytes(200_000, true, 1);
  const b = bytes(500_000, false, 2);
  const twoMembers = Buffer.concat([gzipSync(a), gzipSync(b)]);
  assert.equal(gzipSize(twoMembers), b.length); // the trailer describes the last member only
  assert.ok((await decompressGzip(twoMembers)).equals(Buffer.concat([a, b])));
  assert.equal(gzipSize(Buffer.from('not gzip at all, but long enough')), 0);
  await assert.rejects(decompressGzip(Buffer.from('not gzip at all, but long enough')));
});

interface TestEncoder {
  buf: Buffer;
  offset: number;
  buffer: Buffer;
  writeInt32(v: number): TestEncoder;
  writeVarIntBytes(v: Buffer): TestEncoder;
  writeEncoderArray(v: TestEncoder[]): TestEncoder;
}

test('kafkajs Encoder with our growth: the bytes written are the bytes kafka expects', () => {
  const E = Encoder as unknown as new (size?: number) => TestEncoder;
  assert.equal(ENCODER_SHAPE_OK, true); // checked before patching: the methods replaced existed
  // Grow a small encoder many times: every earlier byte survives every copy, none is left unwritten.
  const e = new E(16);
  const expect: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const v = Math.imul(i, 2654435761 | 0);
    e.writeInt32(v);
    expect.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  assert.ok(e.buffer.equals(Buffer.from(expect)));
  // A record array is the concatenation of the records, whatever their sizes.
  const records = [0, 1, 15_000, 3, 70_000].map((n, i) => new E().writeVarIntBytes(bytes(n, false, i)));
  const batch = new E().writeInt32(7).writeEncoderArray(records);
  assert.ok(batch.buffer.equals(Buffer.concat([Buffer.from([0, 0, 0, 7]), ...records.map((r) => r.buffer)])));
  assert.throws(() => new E().writeEncoderArray([{ buf: 'x' } as unknown as TestEncoder]), /instance of Encoder/);
});
