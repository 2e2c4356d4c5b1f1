import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decodeFrame } from './decode-frame.js';
import { createDecodeStats } from './decode-stats.js';
import { MutableTcpPacket } from './mutable-tcp-packet.js';
import { ethernet, fragExt, frame, ipv4, ipv6, nullHdr, optExt, sll, sll2, tcp, type Bytes } from './test-frames.js';

const opts: Bytes = [2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 5, 10, 1, 2, 3, 4, 5, 6, 7, 8, 34, 2];
const samples: Array<[string, number, Bytes]> = [
  ['eth v4 options', 1, ethernet(0x0800, ipv4({ options: [1, 1, 1, 1, 7, 3, 4] }, tcp({ options: opts, payload: 4 })))],
  ['eth qinq v6 ext', 1, ethernet(0x86dd, ipv6({ ext: [optExt(0), fragExt(0, true), optExt(60, 1)] }, tcp({ options: opts })), [0x88a8, 0x8100])],
  ['sll v4', 113, sll(0x0800, ipv4({}, tcp({ options: opts })))],
  ['sll2 v6', 276, sll2(0x86dd, ipv6({}, tcp({ options: opts })))],
  ['null v6', 0, nullHdr(30, true, ipv6({}, tcp({})))],
  ['raw v4', 101, ipv4({}, tcp({ options: opts }))],
];

/** Deterministic PRNG (mulberry32) so a failure can be reproduced. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('malformed frames never throw', () => {
  it('every sample decodes whole', () => {
    for (const [name, lt, b] of samples) {
      const f = frame(b);
      assert.equal(decodeFrame(lt, f, f.length, 0, 0, new MutableTcpPacket(), createDecodeStats()), true, name);
    }
  });

  it('captured length cut at every byte offset: no throw, counted when not delivered', () => {
    for (const [name, lt, b] of samples) {
      const f = frame(b);
      for (let cut = 0; cut <= f.length; cut++) {
        const stats = createDecodeStats();
        const out = new MutableTcpPacket();
        const ok = decodeFrame(lt, f.subarray(0, cut), f.length, 0, 0, out, stats);
        const problems = Object.values(stats.reasons).reduce((a, v) => a + v, 0);
        assert.ok(ok || problems === 1, `${name} cut ${cut}: not delivered but ${problems} reasons counted`);
        if (ok) assert.equal(out.payloadLen, name === 'eth v4 options' ? 4 : 0, `${name} cut ${cut}`);
      }
    }
  });

  it('wire length shorter than the IP length, at every offset: no throw, never delivered with a longer IP length', () => {
    for (const [name, lt, b] of samples) {
      const f = frame(b);
      for (let cut = 0; cut < f.length; cut++) {
        const out = new MutableTcpPacket();
        if (decodeFrame(lt, f.subarray(0, cut), cut, 0, 0, out, createDecodeStats())) {
          assert.fail(`${name} cut ${cut}: delivered although the frame on the wire was short`);
        }
      }
    }
  });

  it('random byte corruption (20000 frames): no throw, payloadLen never negative', () => {
    const rand = rng(42);
    const out = new MutableTcpPacket();
    const stats = createDecodeStats();
    for (let i = 0; i < 20000; i++) {
      const [, lt, b] = samples[i % samples.length]!;
      const f = frame(b);
      const flips = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < flips; k++) f[Math.floor(rand() * f.length)] = Math.floor(rand() * 256);
      const cut = rand() < 0.3 ? Math.floor(rand() * f.length) : f.length;
      if (decodeFrame(lt, f.subarray(0, cut), f.length, 0, 0, out, stats)) {
        assert.ok(out.payloadLen >= 0 && out.tcpHeaderLen >= 20 && out.tcpHeaderLen <= 60);
        assert.ok(out.sackBlocks <= 4);
      }
    }
    assert.equal(stats.packets, 20000);
  });
});
