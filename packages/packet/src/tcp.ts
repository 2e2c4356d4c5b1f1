// TCP header (RFC 9293, NS from RFC 3540):
//   0 src port | 2 dst port | 4 seq(32) | 8 ack(32) | 12 data offset(4) reserved(3) NS(1)
//   13 CWR ECE URG ACK PSH RST SYN FIN | 14 window | 16 checksum | 18 urgent | 20 options
import { u16be, u32be } from './bytes.js';
import type { DecodeReasonName, DecodeStats } from './decode-stats.js';
import type { MutableTcpPacket } from './mutable-tcp-packet.js';
import { parseTcpOptions } from './tcp-options.js';
import { TcpOption } from './tcp-packet.js';

/** Options NOP, NOP, timestamps (kind 8, length 10): the 12-byte block Linux puts on most segments. */
const NOP_NOP_TIMESTAMPS = 0x0101080a;

/**
 * Decodes the TCP header at b[o]. `segLen` is the TCP segment length on the wire (from the IP
 * length), so payloadLen is right even when the snaplen cut the capture.
 */
export function decodeTcp(
  b: Uint8Array, o: number, end: number, segLen: number, out: MutableTcpPacket, stats: DecodeStats,
): DecodeReasonName | undefined {
  if (o + 20 > end) return segLen < 20 ? 'bad_tcp_header_length' : 'truncated_tcp';
  const offByte = b[o + 12]!;
  const hl = (offByte >> 4) << 2;
  if (hl < 20 || hl > segLen) return 'bad_tcp_header_length';
  out.srcPort = u16be(b, o);
  out.dstPort = u16be(b, o + 2);
  out.seq = u32be(b, o + 4);
  out.ack = u32be(b, o + 8);
  out.flags = ((offByte & 1) << 8) | b[o + 13]!;
  out.window = u16be(b, o + 14);
  out.urgent = u16be(b, o + 18);
  out.tcpHeaderLen = hl;
  out.payloadLen = segLen - hl;
  out.options = 0;
  out.mss = 0;
  out.wscale = 0;
  out.tsVal = 0;
  out.tsEcr = 0;
  out.sackBlocks = 0;
  if (hl === 32 && o + 32 <= end && u32be(b, o + 20) === NOP_NOP_TIMESTAMPS) {
    // Most segments of an established Linux connection: exactly what parseTcpOptions would read.
    out.options = TcpOption.TIMESTAMPS;
    out.tsVal = u32be(b, o + 24);
    out.tsEcr = u32be(b, o + 28);
  } else if (hl > 20) {
    let optEnd = o + hl;
    const cut = optEnd > end;
    if (cut) {
      stats.reasons.truncated_tcp_options++;
      optEnd = end;
    }
    const result = parseTcpOptions(b, o + 20, optEnd, out);
    if (result === 'malformed' || (result === 'overrun' && !cut)) stats.reasons.bad_tcp_option++;
  }
  return undefined;
}
