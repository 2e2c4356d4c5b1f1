import type { DecodeReasonName, DecodeStats } from './decode-stats.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, LINK_DECODERS, type LinkDecoder, type LinkResult } from './link-layers.js';
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
/** One-entry cache of the link decoder: a capture has one link type (pcapng: nearly always). */
let cachedLinkType = -1;
let cachedLinkDecoder: LinkDecoder | undefined;

function linkDecoderFor(linkType: number): LinkDecoder | undefined {
  const d = LINK_DECODERS.get(linkType);
  if (d !== undefined) {
    cachedLinkType = linkType;
    cachedLinkDecoder = d;
  }
  return d;
}

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
  const decodeLink = linkType === cachedLinkType ? cachedLinkDecoder : linkDecoderFor(linkType);
  if (decodeLink === undefined) {
    stats.reasons.unknown_link_type++;
    stats.unknownLinkTypes[linkType] = (stats.unknownLinkTypes[linkType] ?? 0) + 1;
    return false;
  }
  const end = off + capLen;
  let reason = decodeLink(b, off, end, link);
  if (reason === undefined) {
    // The two network decoders are called directly (NET_DECODERS is the same table, for callers):
    // a Map lookup per packet costs as much as the IPv4 header checks.
    const type = link.etherType;
    const netOff = link.netOff;
    const wireLen = (origLen > capLen ? origLen : capLen) - (netOff - off);
    if (type === ETHERTYPE_IPV4) reason = decodeIpv4(b, netOff, end, wireLen, out, stats);
    else if (type === ETHERTYPE_IPV6) reason = decodeIpv6(b, netOff, end, wireLen, out, stats);
    else reason = 'unknown_ethertype';
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
