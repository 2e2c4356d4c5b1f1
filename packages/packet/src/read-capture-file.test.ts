import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { PacketError } from './errors.js';
import { readCaptureFile } from './read-capture-file.js';
import { epb, idb, pcapFile, shb, simpleFrame } from './test-frames.js';

const dir = mkdtempSync(join(tmpdir(), 'tcplens-read-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function ports(path: string) {
  const seen: number[] = [];
  const result = await readCaptureFile(path, (p) => seen.push(p.srcPort * 1000 + p.payloadLen));
  return { seen, result };
}

// 30 000 records of 16 + 54..60 bytes: ~2.2 MB, so records straddle the 256 KiB read chunks.
const N = 30_000;
const recs = Array.from({ length: N }, (_, i) => ({ sec: 1000 + i, frac: i, data: simpleFrame(1 + (i % 60000), i % 7) }));
const pcap = pcapFile({ le: true }, recs);
const expected = recs.map((_, i) => (1 + (i % 60000)) * 1000 + (i % 7));

describe('readCaptureFile', () => {
  it('delivers every record of a file larger than its read chunks, in order', async () => {
    assert.ok(pcap.length > 2 * (1 << 20), `${pcap.length} bytes`);
    const { seen, result } = await ports(file('big.pcap', pcap));
    assert.deepEqual(seen, expected);
    assert.deepEqual([result.format, result.compressed, result.packets, result.tcpPackets], ['pcap', false, N, N]);
    assert.equal(result.stats.bytesConsumed, pcap.length);
    assert.deepEqual([result.truncated, result.truncatedBytes], [false, 0]);
  });

  it('reports a file cut inside a record as truncated after delivering the whole records', async () => {
    const { seen, result } = await ports(file('cut.pcap', pcap.subarray(0, pcap.length - 5)));
    assert.deepEqual(seen, expected.slice(0, N - 1));
    assert.equal(result.truncated, true);
    assert.equal(result.truncatedBytes, 16 + recs[N - 1]!.data.length - 5);
  });

  it('reads pcapng', async () => {
    const ng = Uint8Array.from([...shb(true), ...idb(true, 1), ...epb(true, 0, 5_000_001n, simpleFrame(42, 3))]);
    const { seen, result } = await ports(file('one.pcapng', ng));
    assert.deepEqual(seen, [42_003]);
    assert.equal(result.format, 'pcapng');
  });

  it('reads a gzipped file through the stream path', async () => {
    const gz = gzipSync(pcap);
    const { seen, result } = await ports(file('big.pcap.gz', gz));
    assert.deepEqual(seen, expected);
    assert.equal(result.compressed, true);
    assert.equal(result.stats.bytesConsumed, gz.length);
  });

  it('rejects a file that is not a capture, and an empty one, with NOT_A_CAPTURE', async () => {
    for (const [name, bytes, first] of [
      ['text.txt', new TextEncoder().encode('hello world'), '0x68656c6c'],
      ['empty.pcap', new Uint8Array(0), 'none: empty input'],
    ] as const) {
      await assert.rejects(ports(file(name, bytes)), (e: unknown) => {
        assert.ok(e instanceof PacketError);
        assert.equal(e.code, 'TCPLENS_ERR_NOT_A_CAPTURE');
        assert.equal(e.details['firstBytes'], first);
        return true;
      });
    }
  });

  it('passes on an error thrown by onTcp, after the packets before it', async () => {
    const path = file('throw.pcap', pcap);
    let n = 0;
    await assert.rejects(
      readCaptureFile(path, () => {
        if (++n === 20_000) throw new Error('consumer failed');
      }),
      /consumer failed/,
    );
    assert.equal(n, 20_000);
  });

  it('rejects a missing file with the fs error', async () => {
    await assert.rejects(readCaptureFile(join(dir, 'missing.pcap'), () => undefined), { code: 'ENOENT' });
  });
});
