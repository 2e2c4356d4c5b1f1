import { counted, gunzip, readHead, rejoin } from './byte-source.js';
import type { CaptureParser, OnTcp } from './capture-parser.js';
import { CarryBuffer } from './carry-buffer.js';
import { hex } from './bytes.js';
import { createDecodeStats, type DecodeStats } from './decode-stats.js';
import { PacketError } from './errors.js';
import { MutableTcpPacket } from './mutable-tcp-packet.js';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US, PcapParser } from './pcap-parser.js';
import { PCAPNG_SHB, PcapngParser } from './pcapng-parser.js';

export interface CaptureResult {
  format: 'pcap' | 'pcapng';
  compressed: boolean;
  /** Packet records read. */
  packets: number;
  /** TCP segments delivered to onTcp. */
  tcpPackets: number;
  /** The input ended inside a header or record. Everything before was delivered. */
  truncated: boolean;
  /** Bytes (decompressed) of the incomplete record left at the end. */
  truncatedBytes: number;
  /** Link types seen (pcap: the file's; pcapng: one per distinct interface link type). */
  linkTypes: readonly number[];
  stats: DecodeStats;
}

export interface ReadCaptureOptions {
  /** Called after each chunk with the source bytes consumed so far (compressed bytes if gzipped). */
  onProgress?: (bytesConsumed: number, packets: number) => void;
}

type ParserFactory = new (out: MutableTcpPacket, stats: DecodeStats, onTcp: OnTcp) => CaptureParser;

/** First four bytes (as a big-endian number, either byte order) → parser. */
const PARSER_BY_MAGIC: ReadonlyMap<number, ParserFactory> = new Map<number, ParserFactory>([
  [PCAP_MAGIC_US, PcapParser],
  [PCAP_MAGIC_NS, PcapParser],
  [PCAPNG_SHB, PcapngParser],
]);

function parserFor(magic: Uint8Array): ParserFactory | undefined {
  if (magic.length < 4) return undefined;
  const be = ((magic[0]! << 24) | (magic[1]! << 16) | (magic[2]! << 8) | magic[3]!) >>> 0;
  const le = ((magic[3]! << 24) | (magic[2]! << 16) | (magic[1]! << 8) | magic[0]!) >>> 0;
  return PARSER_BY_MAGIC.get(be) ?? PARSER_BY_MAGIC.get(le);
}

function isGzip(magic: Uint8Array): boolean {
  return magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
}

function notACapture(magic: Uint8Array, compressed: boolean): PacketError {
  let firstBytes = magic.length === 0 ? 'none: empty input' : `0x${hex(magic, 0, 4)}`;
  if (magic.length > 0 && magic.length < 4) firstBytes += `, only ${magic.length} bytes`;
  if (compressed) firstBytes += ', after gunzip';
  return new PacketError('TCPLENS_ERR_NOT_A_CAPTURE', { firstBytes });
}

/**
 * Reads a whole pcap / pcapng capture (optionally gzipped) from a byte source, calling onTcp for
 * every decoded TCP segment with the same reused TcpPacket. Memory stays bounded by the largest
 * record. Throws PacketError TCPLENS_ERR_NOT_A_CAPTURE or TCPLENS_ERR_CORRUPT_CAPTURE (after
 * having delivered every packet before the corruption).
 */
export async function readCapture(
  source: AsyncIterable<Uint8Array>,
  onTcp: OnTcp,
  opts: ReadCaptureOptions = {},
): Promise<CaptureResult> {
  const stats = createDecodeStats();
  let head = await readHead(counted(source, stats), 4);
  let compressed = false;
  if (isGzip(head.bytes)) {
    compressed = true;
    head = await readHead(gunzip(rejoin(head)), 4);
  }
  const Parser = parserFor(head.bytes);
  if (Parser === undefined) {
    await head.rest.return?.();
    throw notACapture(head.bytes, compressed);
  }
  const parser = new Parser(new MutableTcpPacket(), stats, onTcp);
  const carry = new CarryBuffer();
  const onProgress = opts.onProgress;
  for await (const chunk of rejoin(head)) {
    let pos = 0;
    const n = chunk.length;
    while (carry.len > 0 && pos < n) {
      const take = Math.min(parser.need - carry.len, n - pos);
      if (take > 0) {
        carry.append(chunk, pos, take);
        pos += take;
      }
      if (carry.len < parser.need) break;
      const before = parser.need;
      const used = parser.parse(carry.buf, 0, carry.len);
      if (used === 0 && parser.need <= before) throw new Error('capture parser made no progress');
      carry.consume(used);
    }
    if (pos < n && carry.len === 0) {
      const used = parser.parse(chunk, pos, n);
      carry.append(chunk, used, n - used);
    }
    onProgress?.(stats.bytesConsumed, stats.packets);
  }
  return {
    format: parser.format,
    compressed,
    packets: stats.packets,
    tcpPackets: stats.tcpPackets,
    truncated: carry.len > 0,
    truncatedBytes: carry.len,
    linkTypes: parser.linkTypes,
    stats,
  };
}
