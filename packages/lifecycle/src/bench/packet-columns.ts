/**
 * Bench helper: a capture decoded once into columns (typed arrays, addresses interned), replayed
 * through one reused TcpPacket cursor as the decoder or a wire-batch reader would hand it over.
 * Replaying costs a few field copies per packet; the engine's work is what the benches time.
 */
import { createReadStream } from 'node:fs';
import { readCapture, type TcpPacket } from '@tcplens/packet';

export interface PacketColumns {
  readonly count: number;
  readonly tsSec: Float64Array;
  readonly tsNsec: Uint32Array;
  readonly ipVersion: Uint8Array;
  readonly src: Uint32Array;
  readonly dst: Uint32Array;
  readonly ports: Uint32Array;
  readonly seq: Uint32Array;
  readonly ack: Uint32Array;
  readonly flags: Uint16Array;
  readonly window: Uint16Array;
  readonly payloadLen: Uint32Array;
  readonly ipLen: Uint32Array;
  readonly addrs: readonly Uint8Array[];
}

export async function loadColumns(file: string, max = Infinity): Promise<PacketColumns> {
  let cap = 1 << 16;
  let n = 0;
  let c = alloc(cap);
  const addrs: Uint8Array[] = [];
  const ids = new Map<string, number>();
  const intern = (a: Uint8Array): number => {
    const k = Buffer.from(a.buffer, a.byteOffset, 16).toString('latin1');
    let i = ids.get(k);
    if (i === undefined) {
      i = addrs.length;
      addrs.push(Uint8Array.from(a));
      ids.set(k, i);
    }
    return i;
  };
  await readCapture(createReadStream(file), (p) => {
    if (n >= max) return;
    if (n === cap) {
      cap *= 2;
      c = grow(c, cap);
    }
    c.tsSec[n] = p.tsSec;
    c.tsNsec[n] = p.tsNsec;
    c.ipVersion[n] = p.ipVersion;
    c.src[n] = intern(p.src);
    c.dst[n] = intern(p.dst);
    c.ports[n] = ((p.srcPort << 16) | p.dstPort) >>> 0;
    c.seq[n] = p.seq;
    c.ack[n] = p.ack;
    c.flags[n] = p.flags;
    c.window[n] = p.window;
    c.payloadLen[n] = p.payloadLen;
    c.ipLen[n] = p.ipLen;
    n++;
  });
  return { ...c, count: n, addrs };
}

function alloc(n: number) {
  return {
    tsSec: new Float64Array(n), tsNsec: new Uint32Array(n), ipVersion: new Uint8Array(n),
    src: new Uint32Array(n), dst: new Uint32Array(n), ports: new Uint32Array(n), seq: new Uint32Array(n),
    ack: new Uint32Array(n), flags: new Uint16Array(n), window: new Uint16Array(n),
    payloadLen: new Uint32Array(n), ipLen: new Uint32Array(n),
  };
}

function grow(c: ReturnType<typeof alloc>, n: number): ReturnType<typeof alloc> {
  const g = alloc(n);
  for (const k of Object.keys(c) as (keyof typeof c)[]) (g[k] as { set(a: ArrayLike<number>): void }).set(c[k]);
  return g;
}

/** The reused cursor. */
export class ReplayCursor implements TcpPacket {
  tsSec = 0;
  tsNsec = 0;
  ipVersion: 4 | 6 = 4;
  src: Uint8Array = new Uint8Array(16);
  dst: Uint8Array = new Uint8Array(16);
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  urgent = 0;
  payloadLen = 0;
  ipLen = 0;
  tcpHeaderLen = 20;
  ttl = 64;
  options = 0;
  mss = 0;
  wscale = 0;
  tsVal = 0;
  tsEcr = 0;
  sackBlocks = 0;

  load(c: PacketColumns, i: number): this {
    this.tsSec = c.tsSec[i] ?? 0;
    this.tsNsec = c.tsNsec[i] ?? 0;
    this.ipVersion = c.ipVersion[i] === 6 ? 6 : 4;
    this.src = c.addrs[c.src[i] ?? 0] ?? this.src;
    this.dst = c.addrs[c.dst[i] ?? 0] ?? this.dst;
    const ports = c.ports[i] ?? 0;
    this.srcPort = ports >>> 16;
    this.dstPort = ports & 0xffff;
    this.seq = c.seq[i] ?? 0;
    this.ack = c.ack[i] ?? 0;
    this.flags = c.flags[i] ?? 0;
    this.window = c.window[i] ?? 0;
    this.payloadLen = c.payloadLen[i] ?? 0;
    this.ipLen = c.ipLen[i] ?? 0;
    return this;
  }
}
