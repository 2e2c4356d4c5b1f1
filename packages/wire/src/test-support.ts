// Helpers for the tests only (not exported from index.ts).
import { readFileSync } from 'node:fs';
import type { TcpPacket } from '@tcplens/packet';

/** A plain-object TcpPacket (tests may allocate). */
export type PlainPacket = { -readonly [K in keyof TcpPacket]: TcpPacket[K] };

export function mapped4(a: number, b: number, c: number, d: number): Uint8Array {
  return Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d);
}

/** Reads a testdata/*.hex fixture: hex byte pairs, '#' comments to end of line. */
export function readHexFixture(name: string): Uint8Array {
  const text = readFileSync(new URL(`../testdata/${name}`, import.meta.url), 'utf8');
  const hex = text.split('\n').map((l) => l.replace(/#.*/, '')).join('').replace(/\s+/g, '');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Small deterministic PRNG (mulberry32) so a failing random case can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomPacket(r: () => number): PlainPacket {
  const int = (max: number) => Math.floor(r() * (max + 1));
  const v6 = r() < 0.5;
  const addr = () => {
    if (!v6) return mapped4(int(255), int(255), int(255), int(255));
    return Uint8Array.from({ length: 16 }, () => int(255));
  };
  return {
    tsSec: int(0xffffffff),
    tsNsec: int(999_999_999),
    ipVersion: v6 ? 6 : 4,
    src: addr(),
    dst: addr(),
    srcPort: int(0xffff),
    dstPort: int(0xffff),
    seq: int(0xffffffff),
    ack: int(0xffffffff),
    flags: int(0x1ff),
    window: int(0xffff),
    urgent: int(0xffff),
    payloadLen: int(0xffff),
    ipLen: int(0xffffffff),
    tcpHeaderLen: 20 + 4 * int(10),
    ttl: int(255),
    options: int(0x3f),
    mss: int(0xffff),
    wscale: int(255),
    tsVal: int(0xffffffff),
    tsEcr: int(0xffffffff),
    sackBlocks: int(4),
  };
}

export const FIELDS = Object.keys(randomPacket(rng(1))) as (keyof TcpPacket)[];

/** Copies every field of a TcpPacket (addresses too) into a plain object. */
export function snapshot(p: TcpPacket): PlainPacket {
  const out = {} as Record<string, unknown>;
  for (const f of FIELDS) {
    const v = p[f];
    out[f] = v instanceof Uint8Array ? Uint8Array.from(v) : v;
  }
  return out as PlainPacket;
}
