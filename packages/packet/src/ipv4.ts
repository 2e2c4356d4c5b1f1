// IPv4 header (RFC 791):
//   0 version(4) IHL(4) | 1 DSCP/ECN | 2 total length(16) | 4 id(16) | 6 flags(3) fragment offset(13)
//   8 TTL | 9 protocol | 10 checksum(16) | 12 src(32) | 16 dst(32) | 20 options (IHL*4 - 20)
import { u16be } from './bytes.js';
import type { DecodeReasonName, DecodeStats } from './decode-stats.js';
import { writeMappedIpv4 } from './ip-address.js';
import type { MutableTcpPacket } from './mutable-tcp-packet.js';
import { decodeTcp } from './tcp.js';

const PROTO_TCP = 6;

/**
 * Decodes the IPv4 header at b[o] (captured bytes end at `end`; `wireLen` is the frame's length on
 * the wire from o). A first fragment (MF set, offset 0) still carries the TCP header and is decoded;
 * its payloadLen is then that fragment's share only.
 */
export function decodeIpv4(
  b: Uint8Array, o: number, end: number, wireLen: number, out: MutableTcpPacket, stats: DecodeStats,
): DecodeReasonName | undefined {
  if (o + 20 > end) return 'truncated_ip';
  const vihl = b[o]!;
  if (vihl >> 4 !== 4) return 'bad_ip_version';
  const ihl = (vihl & 0x0f) << 2;
  if (ihl < 20) return 'bad_ip_header_length';
  const totalLen = u16be(b, o + 2);
  if (totalLen < ihl || totalLen > wireLen) return 'bad_ip_total_length';
  if ((u16be(b, o + 6) & 0x1fff) !== 0) return 'ip_fragment';
  if (b[o + 9] !== PROTO_TCP) return 'not_tcp';
  if (o + ihl > end) return 'truncated_ip';
  out.ipVersion = 4;
  out.ttl = b[o + 8]!;
  out.ipLen = totalLen;
  writeMappedIpv4(out.src, b, o + 12);
  writeMappedIpv4(out.dst, b, o + 16);
  return decodeTcp(b, o + ihl, end, totalLen - ihl, out, stats);
}
