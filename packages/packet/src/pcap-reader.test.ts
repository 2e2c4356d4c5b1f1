import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PacketError } from './errors.js';
import { collect, collectError } from './test-collect.js';
import { ipv4, pcapFile, simpleFrame, tcp } from './test-frames.js';

const recs = [
  { sec: 1_700_000_000, frac: 1, data: simpleFrame(1001, 5) },
  { sec: 1_700_000_001, frac: 999_999, data: simpleFrame(1002, 1460) },
  { sec: 4_294_967_295, frac: 500_000, data: simpleFrame(1003) },
];

describe('pcap reader', () => {
  for (const le of [true, false]) {
    for (const nanos of [false, true]) {
      it(`${nanos ? 'ns' : 'µs'} ${le ? 'little' : 'big'}-endian`, async () => {
        const { seen, result } = await collect(pcapFile({ le, nanos }, recs));
        assert.equal(result.format, 'pcap');
        assert.equal(result.compressed, false);
        assert.deepEqual(result.linkTypes, [1]);
        assert.equal(result.packets, 3);
        assert.equal(result.tcpPackets, 3);
        assert.equal(result.truncated, false);
        const mult = nanos ? 1 : 1000;
        assert.deepEqual(seen, recs.map((r, i) => ({
          srcPort: 1001 + i, tsSec: r.sec, tsNsec: r.frac * mult, payloadLen: [5, 1460, 0][i],
        })));
      });
    }
  }

  it('takes the link type from the header (raw IP) and ignores the FCS bits', async () => {
    const raw = pcapFile({ le: true, linkType: 101 | 0x14000000 }, [{ sec: 1, frac: 0, data: ipv4({}, tcp({ srcPort: 7 })) }]);
    const { seen, result } = await collect(raw);
    assert.deepEqual(result.linkTypes, [101]);
    assert.equal(seen[0]?.srcPort, 7);
  });

  it('gives the same packets in 1-byte and 7-byte chunks (records straddle chunks)', async () => {
    const file = pcapFile({ le: true }, recs);
    const whole = await collect(file);
    for (const size of [1, 7, 17]) {
      const { seen, result } = await collect(file, size);
      assert.deepEqual(seen, whole.seen, `chunk ${size}`);
      assert.equal(result.truncated, false);
      assert.equal(result.stats.bytesConsumed, file.length);
    }
  });

  it('reports a file cut at any offset as truncated, delivering the records before the cut', async () => {
    const file = pcapFile({ le: false }, recs);
    const recStart = [24, 24 + 16 + recs[0]!.data.length, 24 + 32 + recs[0]!.data.length + recs[1]!.data.length];
    for (let cut = 4; cut < file.length; cut++) {
      const { seen, result } = await collect(file.subarray(0, cut), 97);
      const complete = recStart.filter((s, i) => (recStart[i + 1] ?? file.length) <= cut && s >= 0).length;
      assert.equal(seen.length, complete, `cut ${cut}`);
      const lastEnd = complete === 0 ? (cut >= 24 ? 24 : 0) : (recStart[complete] ?? file.length);
      assert.equal(result.truncated, cut !== lastEnd, `cut ${cut}`);
      assert.equal(result.truncatedBytes, cut - lastEnd, `cut ${cut}`);
    }
  });

  it('stops with TCPLENS_ERR_CORRUPT_CAPTURE on an absurd record length, after the good records', async () => {
    const file = pcapFile({ le: true }, recs);
    const badAt = 24 + 16 + recs[0]!.data.length;
    new DataView(file.buffer).setUint32(badAt + 8, 0x7fffffff, true);
    const { seen, error } = await collectError(file);
    assert.ok(error instanceof PacketError);
    assert.equal(error.code, 'TCPLENS_ERR_CORRUPT_CAPTURE');
    assert.equal(error.retriable, false);
    assert.equal(error.details.packets, 1);
    assert.equal(error.details.offset, badAt);
    assert.deepEqual(seen, [1001]);
    assert.match(error.message, /record length 2147483647/);
  });
});
