import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { resolutionFromTsresol, splitTimestamp, type SplitTs } from './timestamp.js';

function reference(ts: bigint, tsresol: number): [number, number] {
  const pow2 = (tsresol & 0x80) !== 0;
  const v = BigInt(tsresol & 0x7f);
  const units = pow2 ? 1n << v : 10n ** v;
  return [Number(ts / units), Number(((ts % units) * 1_000_000_000n) / units)];
}

describe('splitTimestamp', () => {
  const values = [0n, 1n, 999_999n, 1_000_000n, 1_700_000_000_123_456n, 1_700_000_000_123_456_789n,
    (1n << 53n) - 1n, 1n << 53n, (1n << 64n) - 1n, 1_795_715_840_999_999_999n];
  for (const tsresol of [6, 9, 3, 0, 12, 0x80 | 10, 0x80 | 20, 0x80 | 30, 0x80 | 0]) {
    it(`matches BigInt arithmetic for if_tsresol 0x${tsresol.toString(16)}`, () => {
      const res = resolutionFromTsresol(tsresol, 0);
      assert.ok(res);
      const out: SplitTs = { sec: 0, nsec: 0 };
      for (const ts of values) {
        splitTimestamp(Number(ts >> 32n), Number(ts & 0xffffffffn), res, out);
        const [sec, nsec] = reference(ts, tsresol);
        assert.equal(out.sec, sec, `${ts} sec`);
        // 2^-k with large k goes through a double: allow 1 ns of rounding there.
        assert.ok(Math.abs(out.nsec - nsec) <= ((tsresol & 0x80) !== 0 ? 1 : 0), `${ts} nsec ${out.nsec} vs ${nsec}`);
      }
    });
  }

  it('adds if_tsoffset seconds', () => {
    const res = resolutionFromTsresol(6, -100);
    assert.ok(res);
    const out: SplitTs = { sec: 0, nsec: 0 };
    splitTimestamp(0, 5_000_001, res, out);
    assert.deepEqual(out, { sec: -95, nsec: 1000 });
  });

  it('rejects resolutions a 64-bit counter cannot hold', () => {
    assert.equal(resolutionFromTsresol(19, 0), undefined);
    assert.equal(resolutionFromTsresol(0x80 | 64, 0), undefined);
  });
});
