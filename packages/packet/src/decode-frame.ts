import type { DecodeReasonName, DecodeStats } from './decode-stats.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, LINK_DECODERS, type LinkResult } from './link-layers.js';
import type { MutableTcpPacket } from './mutable-tcp-packet.js';

export type NetDecoder = (
  b: Uint8Array, o: number, end: number, wireLen: number, out: MutableTcpPacket, stats: DecodeStats,
) => DecodeReasonName | undefined;

/** Ethertype → network-layer decoder. */
export const NET_DECODERS: ReadonlyMap<number, NetDecoder> = new Map([
  [ETHERTYPE_IPV4, decodeIpv4],
  [ETHERTYPE_IPV6, decodeIpv6],
]);

const link: LinkResult = { netOff: 0, etherType: 0 };

/**
 * Decodes one captured frame b[off, off+capLen) whose length on the wire was origLen. Returns true
 * and fills `out` when it is a TCP segment; otherwise counts the reason in stats and returns false.
 * Counts stats.packets and stats.tcpPackets. Never throws on malformed input.
 */
export function decodeFrameAt(
  linkType: number, b: Uint8Array, off: number, capLen: number, origLen: number,
  tsSec: number, tsNsec: number, out: MutableTcpPacket, stats: DecodeStats,
): boolean {
  stats.packets++;
  const decodeLink = LINK_DECODERS.get(linkType);
  if (decodeLink === undefined) {
    stats.reasons.unknown_link_type++;
    stats.unknownLinkTypes[linkType] = (stats.unknownLinkTypes[linkType] ?? 0) + 1;
    return false;
  }
  const end = off + capLen;
  let reason = decodeLink(b, off, end, link);
  if (reason === undefined) {
    const decodeNet = NET_DECODERS.get(link.etherType);
    if (decodeNet === undefined) {
      reason = 'unknown_ethertype';
    } else {
      const wireLen = (origLen > capLen ? origLen : capLen) - (link.netOff - off);
      reason = decodeNet(b, link.netOff, end, wireLen, out, stats);
    }
  }
  if (reason !== undefined) {
    stats.reasons[reason]++;
    return false;
  }
  out.tsSec = tsSec;
  out.tsNsec = tsNsec;
  stats.tcpPackets++;
  return true;
}

/** decodeFrameAt over a whole frame (tests, live capture). */
export function decodeFrame(
  linkType: number, frame: Uint8Array, origLen: number, tsSec: number, tsNsec: number,
  out: MutableTcpPacket, stats: DecodeStats,
): boolean {
  return decodeFrameAt(linkType, frame, 0, frame.length, origLen, tsSec, tsNsec, out, stats);
}
