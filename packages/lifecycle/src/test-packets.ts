/**
 * Test helper: plain objects satisfying TcpPacket, and a two-party conversation that keeps each
 * side's next sequence number so scenarios read like a packet trace.
 */
import type { TcpPacket } from '@tcplens/packet';
import { TcpFlag } from '@tcplens/packet';

/** Base time of every scenario: 2023-11-14T22:13:20Z, in µs. */
export const T0 = 1_700_000_000_000_000;

export function addrBytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  if (!text.includes(':')) {
    out[10] = 0xff;
    out[11] = 0xff;
    text.split('.').forEach((x, i) => (out[12 + i] = Number(x)));
    return out;
  }
  const [head = '', tail] = text.split('::');
  const hs = head === '' ? [] : head.split(':');
  const ts = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...hs, ...Array<string>(8 - hs.length - ts.length).fill('0'), ...ts];
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 255;
  });
  return out;
}

const FLAG_LETTERS: Record<string, number> = {
  F: TcpFlag.FIN, S: TcpFlag.SYN, R: TcpFlag.RST, P: TcpFlag.PSH, A: TcpFlag.ACK, U: TcpFlag.URG,
  E: TcpFlag.ECE, C: TcpFlag.CWR,
};

export function flagBits(letters: string): number {
  let f = 0;
  for (const ch of letters) f |= FLAG_LETTERS[ch] ?? 0;
  return f;
}

export interface PacketSpec {
  /** µs after T0. */
  t: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  flags: string;
  seq: number;
  ack: number;
  len?: number;
  window?: number;
}

export function packet(s: PacketSpec): TcpPacket {
  const us = T0 + s.t;
  const v6 = s.src.includes(':');
  const len = s.len ?? 0;
  return {
    tsSec: Math.floor(us / 1e6), tsNsec: (us % 1e6) * 1000, ipVersion: v6 ? 6 : 4,
    src: addrBytes(s.src), dst: addrBytes(s.dst), srcPort: s.sport, dstPort: s.dport,
    seq: s.seq >>> 0, ack: s.ack >>> 0, flags: flagBits(s.flags), window: s.window ?? 65535, urgent: 0,
    payloadLen: len, ipLen: (v6 ? 60 : 40) + len, tcpHeaderLen: 20, ttl: 64, options: 0,
    mss: 0, wscale: 0, tsVal: 0, tsEcr: 0, sackBlocks: 0,
  };
}

export interface SendOptions {
  len?: number;
  /** Override the sequence number (e.g. a retransmission or a new ISN). */
  seq?: number;
  ack?: number;
  window?: number;
}

/**
 * A client (c) and a server (s). c()/s() send a packet at time t (µs after T0) with the sender's
 * next sequence number and the peer's next sequence number as ACK; SYN and FIN take one number.
 */
export class Conversation {
  readonly packets: TcpPacket[] = [];
  private next: { c: number; s: number };

  constructor(
    readonly client: [string, number] = ['10.0.0.1', 40000],
    readonly server: [string, number] = ['10.0.0.2', 80],
    cIsn = 1000,
    sIsn = 5000,
  ) {
    this.next = { c: cIsn, s: sIsn };
  }

  c(t: number, flags: string, o: SendOptions = {}): this {
    return this.send('c', t, flags, o);
  }

  s(t: number, flags: string, o: SendOptions = {}): this {
    return this.send('s', t, flags, o);
  }

  private send(who: 'c' | 's', t: number, flags: string, o: SendOptions): this {
    const [from, to] = who === 'c' ? [this.client, this.server] : [this.server, this.client];
    const peer = who === 'c' ? 's' : 'c';
    const seq = o.seq ?? this.next[who];
    const len = o.len ?? 0;
    const spec: PacketSpec = {
      t, src: from[0], dst: to[0], sport: from[1], dport: to[1], flags, seq,
      ack: o.ack ?? (flags.includes('A') ? this.next[peer] : 0), len,
    };
    if (o.window !== undefined) spec.window = o.window;
    this.packets.push(packet(spec));
    const end = (seq + len + (flags.includes('S') ? 1 : 0) + (flags.includes('F') ? 1 : 0)) >>> 0;
    if (!flags.includes('R') && ((end - this.next[who]) | 0) > 0) this.next[who] = end;
    if (o.seq !== undefined && flags.includes('S')) this.next[who] = end; // a new ISN
    return this;
  }
}
