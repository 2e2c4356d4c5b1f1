import { hex } from './bytes.js';
import type { CaptureParser, OnTcp } from './capture-parser.js';
import type { DecodeStats } from './decode-stats.js';
import { PacketError } from './errors.js';
import type { MutableTcpPacket } from './mutable-tcp-packet.js';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US, PcapParser } from './pcap-parser.js';
import { PCAPNG_SHB, PcapngParser } from './pcapng-parser.js';

export type ParserFactory = new (out: MutableTcpPacket, stats: DecodeStats, onTcp: OnTcp) => CaptureParser;

/** First four bytes (as a big-endian number, either byte order) → parser. */
const PARSER_BY_MAGIC: ReadonlyMap<number, ParserFactory> = new Map<number, ParserFactory>([
  [PCAP_MAGIC_US, PcapParser],
  [PCAP_MAGIC_NS, PcapParser],
  [PCAPNG_SHB, PcapngParser],
]);

export function parserFor(magic: Uint8Array): ParserFactory | undefined {
  if (magic.length < 4) return undefined;
  const be = ((magic[0]! << 24) | (magic[1]! << 16) | (magic[2]! << 8) | magic[3]!) >>> 0;
  const le = ((magic[3]! << 24) | (magic[2]! << 16) | (magic[1]! << 8) | magic[0]!) >>> 0;
  return PARSER_BY_MAGIC.get(be) ?? PARSER_BY_MAGIC.get(le);
}

export function isGzip(magic: Uint8Array): boolean {
  return magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
}

export function notACapture(magic: Uint8Array, compressed: boolean): PacketError {
  let firstBytes = magic.length === 0 ? 'none: empty input' : `0x${hex(magic, 0, 4)}`;
  if (magic.length > 0 && magic.length < 4) firstBytes += `, only ${magic.length} bytes`;
  if (compressed) firstBytes += ', after gunzip';
  return new PacketError('TCPLENS_ERR_NOT_A_CAPTURE', { firstBytes });
}

