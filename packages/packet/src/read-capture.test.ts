import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { PacketError, PacketErrorCode } from './errors.js';
import { readCapture } from './read-capture.js';
import { collect, collectError } from './test-collect.js';
import { chunked, epb, idb, pcapFile, shb, simpleFrame } from './test-frames.js';

const recs = Array.from({ length: 50 }, (_, i) => ({ sec: 100 + i, frac: i, data: simpleFrame(2000 + i, i * 10) }));
const pcap = pcapFile({ le: true }, recs);

describe('readCapture: gzip', () => {
  it('decompresses transparently, counting compressed bytes consumed', async () => {
    const gz = gzipSync(pcap);
    for (const size of [1, 13, 1 << 16]) {
      const { seen, result } = await collect(gz, size);
      assert.equal(result.compressed, true);
      assert.equal(result.format, 'pcap');
      assert.deepEqual(seen.map((s) => s.srcPort), recs.map((_, i) => 2000 + i));
      assert.equal(result.stats.bytesConsumed, gz.length);
      assert.equal(result.truncated, false);
    }
  });

  it('gzipped pcapng', async () => {
    const ng = Uint8Array.from([...shb(true), ...idb(true, 1), ...epb(true, 0, 3_000_000n, simpleFrame(77))]);
    const { seen, result } = await collect(gzipSync(ng));
    assert.equal(result.format, 'pcapng');
    assert.equal(result.compressed, true);
    assert.deepEqual(seen.map((s) => [s.srcPort, s.tsSec]), [[77, 3]]);
  });

  it('a truncated gzip delivers what it can and reports the cut record as truncated', async () => {
    const gz = gzipSync(pcap);
    const { seen, result } = await collect(gz.subarray(0, Math.floor(gz.length * 0.6)));
    assert.ok(seen.length > 0 && seen.length < recs.length, `${seen.length} packets`);
    assert.deepEqual(seen.map((s) => s.srcPort), recs.slice(0, seen.length).map((_, i) => 2000 + i));
    assert.equal(result.truncated, true);
  });

  it('limitation: a gzip cut exactly at a record boundary (trailer lost) is not reported as truncated', async () => {
    // gzip is a stream cut into deflate blocks: a flushed prefix is a valid stream without trailer.
    const gz = gzipSync(pcap);
    const { result } = await collect(gz.subarray(0, gz.length - 8));
    assert.equal(result.packets, recs.length);
    assert.equal(result.truncated, false);
  });
});

describe('readCapture: not a capture', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['HTTP text', new TextEncoder().encode('HTTP/1.1 200 OK\r\n'), /first bytes 0x48545450\)/],
    ['empty input', new Uint8Array(0), /first bytes none: empty input/],
    ['3 bytes', Uint8Array.from([0xa1, 0xb2, 0xc3]), /0xa1b2c3, only 3 bytes/],
    ['gzip of text', gzipSync(new TextEncoder().encode('hello world')), /0x68656c6c, after gunzip/],
  ];
  for (const [name, bytes, re] of cases) {
    it(name, async () => {
      const { error } = await collectError(bytes);
      assert.ok(error instanceof PacketError);
      assert.equal(error.code, 'TCPLENS_ERR_NOT_A_CAPTURE');
      assert.match(error.message, re);
      assert.match(error.message, /expected pcap magic a1b2c3d4\/a1b23c4d, pcapng block type 0a0d0d0a or gzip 1f8b/);
    });
  }
});

describe('readCapture: source handling', () => {
  it('reports progress per chunk with bytes consumed and packets', async () => {
    const calls: Array<[number, number]> = [];
    await readCapture(chunked(pcap, 1000), () => {}, { onProgress: (b, p) => calls.push([b, p]) });
    assert.equal(calls.length, Math.ceil(pcap.length / 1000));
    assert.deepEqual(calls.at(-1), [pcap.length, recs.length]);
    assert.ok(calls.every(([b], i) => i === 0 || b > calls[i - 1]![0]));
  });

  it('closes the source when it stops on a corrupt capture', async () => {
    let closed = false;
    const bad = Uint8Array.from([...shb(true), ...idb(true, 1), 6, 0, 0, 0, 13, 0, 0, 0, ...new Array<number>(100).fill(0)]);
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < bad.length; i += 10) yield bad.subarray(i, i + 10);
        for (;;) yield new Uint8Array(10); // would never end if not closed
      } finally {
        closed = true;
      }
    }
    await assert.rejects(readCapture(source(), () => {}), (e: unknown) => e instanceof PacketError && e.code === 'TCPLENS_ERR_CORRUPT_CAPTURE');
    assert.equal(closed, true);
  });

  it('reuses one TcpPacket object for every segment', async () => {
    const objects = new Set<object>();
    await readCapture(chunked(pcap, 4096), (p) => objects.add(p));
    assert.equal(objects.size, 1);
  });
});

describe('error table', () => {
  it('every code is TCPLENS_ERR_*, non-retriable for bad input', () => {
    for (const [code, def] of Object.entries(PacketErrorCode)) {
      assert.match(code, /^TCPLENS_ERR_[A-Z_]+$/);
      assert.equal(def.retriable, false);
    }
  });
});

describe('readCapture: Buffer chunks (node streams)', () => {
  it('parses Buffers that are views into a larger pool at odd offsets', async () => {
    const pool = Buffer.alloc(pcap.length + 3);
    pool.set(pcap, 3);
    async function* buffers(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < pcap.length; i += 97) yield pool.subarray(3 + i, 3 + Math.min(i + 97, pcap.length));
    }
    const seen: number[] = [];
    const result = await readCapture(buffers(), (p) => seen.push(p.srcPort));
    assert.deepEqual(seen, recs.map((_, i) => 2000 + i));
    assert.equal(result.truncated, false);
  });
});
