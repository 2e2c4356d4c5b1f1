// IPv6 header (RFC 8200):
//   0 version(4) traffic class(8) flow label(20) | 4 payload length(16) | 6 next header | 7 hop limit
//   8 src(128) | 24 dst(128) | 40 extension headers... then the upper layer
// Extension headers walked: hop-by-hop (0), routing (43), destination options (60): (len+1)*8 bytes;
// fragment (44): 8 bytes, offset in the upper 13 bits of bytes 2-3; authentication (51): (len+2)*4.
import { u16be } from './bytes.js';
import type { DecodeReasonName, DecodeStats } from './decode-stats.js';
import { writeIpv6 } from './ip-address.js';
import type { MutableTcpPacket } from './mutable-tcp-packet.js';
import { decodeTcp } from './tcp.js';

const PROTO_TCP = 6;

type ExtKind = 'options' | 'fragment' | 'auth';
const WALKABLE_EXT: ReadonlyMap<number, ExtKind> = new Map([
  [0, 'options'],
  [43, 'options'],
  [44, 'fragment'],
  [51, 'auth'],
  [60, 'options'],
]);

/** Headers that end the walk without reaching TCP: ESP, no next header, mobility, HIP, shim6, experiments. */
const UNWALKABLE_EXT: ReadonlySet<number> = new Set([50, 59, 135, 139, 140, 253, 254]);

export function decodeIpv6(
  b: Uint8Array, o: number, end: number, wireLen: number, out: MutableTcpPacket, stats: DecodeStats,
): DecodeReasonName | undefined {
  if (o + 40 > end) return 'truncated_ip';
  if (b[o]! >> 4 !== 6) return 'bad_ip_version';
  const payloadLen = u16be(b, o + 4);
  if (40 + payloadLen > wireLen) return 'bad_ip_total_length';
  let next = b[o + 6]!;
  let p = o + 40;
  let remaining = payloadLen;
  while (next !== PROTO_TCP) {
    const kind = WALKABLE_EXT.get(next);
    if (kind === undefined) return UNWALKABLE_EXT.has(next) ? 'ipv6_unsupported_ext' : 'not_tcp';
    if (p + 8 > end) return 'truncated_ip';
    let len: number;
    if (kind === 'fragment') {
      if ((u16be(b, p + 2) & 0xfff8) !== 0) return 'ip_fragment';
      len = 8;
    } else {
      len = kind === 'auth' ? (b[p + 1]! + 2) << 2 : (b[p + 1]! + 1) << 3;
    }
    if (len > remaining) return 'bad_ip_total_length';
    next = b[p]!;
    p += len;
    remaining -= len;
  }
  out.ipVersion = 6;
  out.ttl = b[o + 7]!;
  out.ipLen = 40 + payloadLen;
  writeIpv6(out.src, b, o + 8);
  writeIpv6(out.dst, b, o + 24);
  return decodeTcp(b, p, end, remaining, out, stats);
}
