import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PacketError } from './errors.js';
import { collect, collectError } from './test-collect.js';
import { block, epb, idb, ipv6, opb, shb, simpleFrame, sll2, spb, tcp, u32b, type Bytes } from './test-frames.js';

const file = (...blocks: Bytes[]): Uint8Array => Uint8Array.from(blocks.flat());

describe('pcapng reader', () => {
  for (const le of [true, false]) {
    it(`several interfaces with their own link type and if_tsresol (${le ? 'LE' : 'BE'})`, async () => {
      const bytes = file(
        shb(le),
        idb(le, 1), // default 10^-6
        idb(le, 276, { tsresol: 9 }), // 10^-9
        idb(le, 1, { tsresol: 0x80 | 10 }), // 2^-10
        idb(le, 1, { tsresol: 3, tsoffset: 1000 }), // ms, +1000 s
        epb(le, 0, 1_700_000_000_123_456n, simpleFrame(1)),
        epb(le, 1, 1_700_000_000_123_456_789n, sll2(0x86dd, ipv6({}, tcp({ srcPort: 2 })))),
        epb(le, 2, 1024n * 5n + 512n, simpleFrame(3)),
        epb(le, 3, 42_250n, simpleFrame(4)),
        opb(le, 0, 2_000_000n, simpleFrame(5)),
      );
      const { seen, result } = await collect(bytes);
      assert.equal(result.format, 'pcapng');
      assert.deepEqual(result.linkTypes, [1, 276]);
      assert.deepEqual(seen.map((s) => [s.srcPort, s.tsSec, s.tsNsec]), [
        [1, 1_700_000_000, 123_456_000],
        [2, 1_700_000_000, 123_456_789],
        [3, 5, 500_000_000],
        [4, 1042, 250_000_000],
        [5, 2, 0],
      ]);
      assert.equal(result.truncated, false);
    });
  }

  it('SPB uses interface 0 and its snaplen; payloadLen still from the IP length', async () => {
    const frame = simpleFrame(9, 100);
    const { seen, result } = await collect(file(shb(true), idb(true, 1, { snapLen: 60 }), spb(true, frame)));
    assert.equal(result.tcpPackets, 1);
    assert.deepEqual(seen[0], { srcPort: 9, tsSec: 0, tsNsec: 0, payloadLen: 100 });
  });

  it('skips unknown blocks (counted) and known non-packet blocks (not counted)', async () => {
    const { seen, result } = await collect(file(
      shb(true), block(0x0bad, [1, 2, 3, 4, 5], true), idb(true, 1), block(5, new Array<number>(20).fill(0), true),
      block(4, [0, 0, 0, 0], true), epb(true, 0, 0n, simpleFrame(11)), block(0x40000bad, [9], true),
    ));
    assert.deepEqual(seen.map((s) => s.srcPort), [11]);
    assert.equal(result.stats.reasons.pcapng_unknown_block, 2);
  });

  it('a new section restarts byte order and the interface list', async () => {
    const { seen, result } = await collect(file(
      shb(true), idb(true, 1), idb(true, 1, { tsresol: 9 }), epb(true, 1, 5n, simpleFrame(1)),
      shb(false), idb(false, 1), epb(false, 0, 7_000_001n, simpleFrame(2)), epb(false, 1, 5n, simpleFrame(3)),
    ), 3);
    assert.deepEqual(seen.map((s) => [s.srcPort, s.tsSec, s.tsNsec]), [[1, 0, 5], [2, 7, 1000]]);
    assert.equal(result.stats.reasons.pcapng_bad_interface, 1);
    assert.equal(result.packets, 3);
  });

  it('same packets in 1-byte chunks', async () => {
    const bytes = file(shb(false), idb(false, 1), epb(false, 0, 1n, simpleFrame(1, 3)), epb(false, 0, 2n, simpleFrame(2)));
    assert.deepEqual((await collect(bytes, 1)).seen, (await collect(bytes)).seen);
  });

  it('reports a cut inside a block as truncated', async () => {
    const bytes = file(shb(true), idb(true, 1), epb(true, 0, 1n, simpleFrame(1)), epb(true, 0, 2n, simpleFrame(2)));
    const { seen, result } = await collect(bytes.subarray(0, bytes.length - 5), 64);
    assert.deepEqual(seen.map((s) => s.srcPort), [1]);
    assert.equal(result.truncated, true);
    assert.equal(result.truncatedBytes, epb(true, 0, 2n, simpleFrame(2)).length - 5);
  });

  const corruptLengths: Array<[string, number]> = [['< 12', 8], ['not a multiple of 4', 30], ['> 16 MiB', 0x7ffffffc], ['shorter than an EPB', 28]];
  for (const [what, len] of corruptLengths) {
    it(`block length ${what}: TCPLENS_ERR_CORRUPT_CAPTURE after the good packets, no hang`, async () => {
      const bad = epb(true, 0, 1n, simpleFrame(2));
      bad.splice(4, 4, ...u32b(len, true));
      const { seen, error } = await collectError(file(shb(true), idb(true, 1), epb(true, 0, 1n, simpleFrame(1)), bad), 5);
      assert.ok(error instanceof PacketError);
      assert.equal(error.code, 'TCPLENS_ERR_CORRUPT_CAPTURE');
      assert.equal(error.details.packets, 1);
      assert.deepEqual(seen, [1]);
    });
  }

  it('trailing length different from the leading one is corrupt', async () => {
    const bad = epb(true, 0, 1n, simpleFrame(2));
    bad.splice(bad.length - 4, 4, ...u32b(12, true));
    const { error } = await collectError(file(shb(true), idb(true, 1), bad));
    assert.ok(error instanceof PacketError && error.code === 'TCPLENS_ERR_CORRUPT_CAPTURE');
    assert.match(error.message, /trailing length/);
  });
});
