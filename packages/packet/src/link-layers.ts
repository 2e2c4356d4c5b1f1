import { u16be, u32be, u32le } from './bytes.js';
import type { DecodeReasonName } from './decode-stats.js';

/** Where a link-layer decoder left the network layer. One module-level instance is reused. */
export interface LinkResult {
  netOff: number;
  /** Ethertype of the network layer (families and raw IP are mapped to 0x0800 / 0x86dd). */
  etherType: number;
}

/** Decodes the link header of b[off, end); returns a reason when the frame cannot be used. */
export type LinkDecoder = (b: Uint8Array, off: number, end: number, r: LinkResult) => DecodeReasonName | undefined;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;

/** 802.1Q, 802.1ad and the pre-standard QinQ tag; tags may be stacked. Compares, not a Set: per packet. */
function isVlanTpid(type: number): boolean {
  return type === 0x8100 || type === 0x88a8 || type === 0x9100;
}
const MAX_VLAN_TAGS = 8;

/** Ethernet II: dst(6) src(6) [TPID(2) TCI(2)]* ethertype(2). */
const ethernet: LinkDecoder = (b, off, end, r) => {
  let o = off + 14;
  if (o > end) return 'truncated_link';
  let type = u16be(b, o - 2);
  for (let tags = 0; isVlanTpid(type); tags++) {
    if (o + 4 > end) return 'truncated_link';
    if (tags === MAX_VLAN_TAGS) return 'unknown_ethertype';
    type = u16be(b, o + 2);
    o += 4;
  }
  r.netOff = o;
  r.etherType = type;
  return undefined;
};

/** Linux cooked v1: packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2). */
const linuxSll: LinkDecoder = (b, off, end, r) => {
  if (off + 16 > end) return 'truncated_link';
  r.netOff = off + 16;
  r.etherType = u16be(b, off + 14);
  return undefined;
};

/** Linux cooked v2: protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) addr len(1) addr(8). */
const linuxSll2: LinkDecoder = (b, off, end, r) => {
  if (off + 20 > end) return 'truncated_link';
  r.netOff = off + 20;
  r.etherType = u16be(b, off);
  return undefined;
};

/** Raw IP: the version nibble says which. */
const rawIp: LinkDecoder = (b, off, end, r) => {
  if (off >= end) return 'truncated_ip';
  const version = b[off]! >> 4;
  r.netOff = off;
  r.etherType = version === 4 ? ETHERTYPE_IPV4 : version === 6 ? ETHERTYPE_IPV6 : 0;
  return r.etherType === 0 ? 'bad_ip_version' : undefined;
};

const rawIpv4: LinkDecoder = (_b, off, _end, r) => {
  r.netOff = off;
  r.etherType = ETHERTYPE_IPV4;
  return undefined;
};

const rawIpv6: LinkDecoder = (_b, off, _end, r) => {
  r.netOff = off;
  r.etherType = ETHERTYPE_IPV6;
  return undefined;
};

/** BSD address families seen in null/loopback headers (AF_INET6 differs between BSDs, Linux). */
const FAMILY_TO_ETHERTYPE: ReadonlyMap<number, number> = new Map([
  [2, ETHERTYPE_IPV4],
  [10, ETHERTYPE_IPV6], // Linux
  [24, ETHERTYPE_IPV6], // NetBSD, OpenBSD
  [28, ETHERTYPE_IPV6], // FreeBSD, DragonFly
  [30, ETHERTYPE_IPV6], // macOS
]);

/** DLT_NULL: 4-byte family in the capturing host's byte order (guessed: families are < 65536). */
const bsdNull: LinkDecoder = (b, off, end, r) => {
  if (off + 4 > end) return 'truncated_link';
  const family = b[off] === 0 && b[off + 1] === 0 ? u32be(b, off) : u32le(b, off);
  r.netOff = off + 4;
  r.etherType = FAMILY_TO_ETHERTYPE.get(family) ?? 0;
  return undefined;
};

/** DLT_LOOP (OpenBSD): the same family, always in network byte order. */
const bsdLoop: LinkDecoder = (b, off, end, r) => {
  if (off + 4 > end) return 'truncated_link';
  r.netOff = off + 4;
  r.etherType = FAMILY_TO_ETHERTYPE.get(u32be(b, off)) ?? 0;
  return undefined;
};

/** Link type (pcap LINKTYPE_* / DLT_* as found in files) → decoder. */
export const LINK_DECODERS: ReadonlyMap<number, LinkDecoder> = new Map([
  [0, bsdNull], // NULL
  [1, ethernet], // EN10MB
  [12, rawIp], // DLT_RAW on most systems
  [14, rawIp], // DLT_RAW on OpenBSD
  [101, rawIp], // LINKTYPE_RAW
  [108, bsdLoop], // LOOP
  [113, linuxSll], // LINUX_SLL
  [228, rawIpv4], // IPV4
  [229, rawIpv6], // IPV6
  [276, linuxSll2], // LINUX_SLL2
]);
