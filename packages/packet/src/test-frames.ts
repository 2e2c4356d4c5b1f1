// Builders for hand-made frames and capture files, used by the tests (not exported from index).
// Written from the RFC layouts independently of the decoder code.

export type Bytes = number[];

const be16 = (v: number): Bytes => [(v >>> 8) & 0xff, v & 0xff];
const be32 = (v: number): Bytes => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const le16 = (v: number): Bytes => [v & 0xff, (v >>> 8) & 0xff];
const le32 = (v: number): Bytes => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
export const u16b = (v: number, le: boolean): Bytes => (le ? le16(v) : be16(v));
export const u32b = (v: number, le: boolean): Bytes => (le ? le32(v) : be32(v));

export interface TcpSpec {
  srcPort?: number; dstPort?: number; seq?: number; ack?: number; flags?: number; window?: number;
  urgent?: number; options?: Bytes; payload?: number; dataOffset?: number;
}

/** TCP header (options padded with EOL to 4 bytes) followed by `payload` zero bytes. */
export function tcp(s: TcpSpec = {}): Bytes {
  const opts = [...(s.options ?? [])];
  while (opts.length % 4 !== 0) opts.push(0);
  const doff = s.dataOffset ?? 5 + opts.length / 4;
  const flags = s.flags ?? 0x10;
  return [
    ...be16(s.srcPort ?? 1234), ...be16(s.dstPort ?? 80), ...be32(s.seq ?? 1000), ...be32(s.ack ?? 2000),
    (doff << 4) | ((flags >> 8) & 1), flags & 0xff, ...be16(s.window ?? 65535), 0, 0, ...be16(s.urgent ?? 0),
    ...opts, ...new Array<number>(s.payload ?? 0).fill(0x61),
  ];
}

export interface Ipv4Spec {
  src?: Bytes; dst?: Bytes; ttl?: number; proto?: number; options?: Bytes; fragOffset?: number;
  moreFragments?: boolean; totalLen?: number; ihl?: number;
}

export function ipv4(s: Ipv4Spec, payload: Bytes): Bytes {
  const opts = [...(s.options ?? [])];
  while (opts.length % 4 !== 0) opts.push(0);
  const ihl = s.ihl ?? 5 + opts.length / 4;
  const total = s.totalLen ?? 20 + opts.length + payload.length;
  const frag = ((s.moreFragments ?? false) ? 0x2000 : 0) | (s.fragOffset ?? 0);
  return [
    0x40 | ihl, 0, ...be16(total), 0x12, 0x34, ...be16(frag), s.ttl ?? 64, s.proto ?? 6, 0, 0,
    ...(s.src ?? [10, 0, 0, 1]), ...(s.dst ?? [10, 0, 0, 2]), ...opts, ...payload,
  ];
}

export interface Ipv6Ext { type: number; bytes: Bytes }

export interface Ipv6Spec { src?: Bytes; dst?: Bytes; hlim?: number; next?: number; ext?: Ipv6Ext[]; payloadLen?: number }

/** IPv6 header + extension headers (each ext's first byte, its next header, is filled in here). */
export function ipv6(s: Ipv6Spec, payload: Bytes): Bytes {
  const ext = s.ext ?? [];
  const chain: Bytes = [];
  ext.forEach((e, i) => chain.push((ext[i + 1]?.type ?? s.next ?? 6), ...e.bytes.slice(1)));
  const first = ext[0]?.type ?? s.next ?? 6;
  const plen = s.payloadLen ?? chain.length + payload.length;
  const src = s.src ?? [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  const dst = s.dst ?? [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
  return [0x60, 0, 0, 0, ...be16(plen), first, s.hlim ?? 63, ...src, ...dst, ...chain, ...payload];
}

/** Options-style extension header (hop-by-hop, routing, destination) of 8*(n+1) bytes. */
export const optExt = (type: number, units = 0): Ipv6Ext => ({
  type, bytes: [0, units, ...new Array<number>(6 + units * 8).fill(type === 43 ? 0 : 1)],
});
export const fragExt = (offset8: number, more: boolean): Ipv6Ext => ({
  type: 44, bytes: [0, 0, ...be16((offset8 << 3) | (more ? 1 : 0)), 0, 0, 0, 7],
});

export function ethernet(etherType: number, payload: Bytes, tags: number[] = []): Bytes {
  const t: Bytes = [];
  for (const tpid of tags) t.push(...be16(tpid), 0x00, 0x64);
  return [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, ...t, ...be16(etherType), ...payload];
}

export const sll = (proto: number, payload: Bytes): Bytes =>
  [0, 0, 0x03, 0x04, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...be16(proto), ...payload];
export const sll2 = (proto: number, payload: Bytes): Bytes =>
  [...be16(proto), 0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...payload];
export const nullHdr = (family: number, le: boolean, payload: Bytes): Bytes => [...u32b(family, le), ...payload];

export const frame = (b: Bytes): Uint8Array => Uint8Array.from(b);

// ---- capture files ----

export interface PcapRecord { sec: number; frac: number; data: Bytes | Uint8Array; origLen?: number }

export function pcapFile(o: { le: boolean; nanos?: boolean; linkType?: number }, recs: PcapRecord[]): Uint8Array {
  const magic = o.nanos === true ? 0xa1b23c4d : 0xa1b2c3d4;
  const out: Bytes = [...u32b(magic, o.le), ...u16b(2, o.le), ...u16b(4, o.le), ...u32b(0, o.le), ...u32b(0, o.le),
    ...u32b(262144, o.le), ...u32b(o.linkType ?? 1, o.le)];
  for (const r of recs) {
    out.push(...u32b(r.sec, o.le), ...u32b(r.frac, o.le), ...u32b(r.data.length, o.le),
      ...u32b(r.origLen ?? r.data.length, o.le), ...r.data);
  }
  return Uint8Array.from(out);
}

/** A pcapng block: type, total length, body padded to 4, total length. */
export function block(type: number, body: Bytes, le: boolean): Bytes {
  const b = [...body];
  while (b.length % 4 !== 0) b.push(0);
  const len = b.length + 12;
  return [...u32b(type, le), ...u32b(len, le), ...b, ...u32b(len, le)];
}

export const shb = (le: boolean): Bytes =>
  block(0x0a0d0d0a, [...u32b(0x1a2b3c4d, le), ...u16b(1, le), ...u16b(0, le), ...u32b(0xffffffff, le), ...u32b(0xffffffff, le)], le);

export function idb(le: boolean, linkType: number, o: { snapLen?: number; tsresol?: number; tsoffset?: number } = {}): Bytes {
  const opts: Bytes = [];
  if (o.tsresol !== undefined) opts.push(...u16b(9, le), ...u16b(1, le), o.tsresol, 0, 0, 0);
  if (o.tsoffset !== undefined) {
    const hi = Math.floor(o.tsoffset / 4294967296) >>> 0;
    const lo = o.tsoffset >>> 0;
    opts.push(...u16b(14, le), ...u16b(8, le), ...(le ? [...u32b(lo, le), ...u32b(hi, le)] : [...u32b(hi, le), ...u32b(lo, le)]));
  }
  if (opts.length > 0) opts.push(0, 0, 0, 0);
  return block(1, [...u16b(linkType, le), 0, 0, ...u32b(o.snapLen ?? 0, le), ...opts], le);
}

/** EPB with a 64-bit timestamp given as a BigInt in the interface's units. */
export function epb(le: boolean, ifId: number, ts: bigint, data: Bytes, origLen = data.length): Bytes {
  const hi = Number(ts >> 32n);
  const lo = Number(ts & 0xffffffffn);
  return block(6, [...u32b(ifId, le), ...u32b(hi, le), ...u32b(lo, le), ...u32b(data.length, le), ...u32b(origLen, le), ...data], le);
}

export function opb(le: boolean, ifId: number, ts: bigint, data: Bytes): Bytes {
  const hi = Number(ts >> 32n);
  const lo = Number(ts & 0xffffffffn);
  return block(2, [...u16b(ifId, le), 0, 0, ...u32b(hi, le), ...u32b(lo, le), ...u32b(data.length, le), ...u32b(data.length, le), ...data], le);
}

export const spb = (le: boolean, data: Bytes, origLen = data.length): Bytes => block(3, [...u32b(origLen, le), ...data], le);

/** A simple TCP/IPv4/Ethernet frame with a distinguishing source port. */
export const simpleFrame = (srcPort: number, payload = 0): Bytes =>
  ethernet(0x0800, ipv4({}, tcp({ srcPort, payload })));

/** Yields `bytes` in chunks of `size` bytes. */
export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}
