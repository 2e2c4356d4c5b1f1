import { counted, readHead, rejoin } from './byte-source.js';
import { isGzip, notACapture, parserFor } from './capture-format.js';
import type { OnTcp } from './capture-parser.js';
import { CaptureDriver } from './capture-driver.js';
import { createDecodeStats, type DecodeStats } from './decode-stats.js';
import { MutableTcpPacket } from './mutable-tcp-packet.js';

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
    // Loaded on demand: node:zlib and node:stream cost startup time that plain captures do not need.
    const { gunzip } = await import('./gunzip.js');
    head = await readHead(gunzip(rejoin(head)), 4);
  }
  const Parser = parserFor(head.bytes);
  if (Parser === undefined) {
    await head.rest.return?.();
    throw notACapture(head.bytes, compressed);
  }
  const parser = new Parser(new MutableTcpPacket(), stats, onTcp);
  const driver = new CaptureDriver(parser);
  const onProgress = opts.onProgress;
  for await (const chunk of rejoin(head)) {
    driver.push(chunk);
    onProgress?.(stats.bytesConsumed, stats.packets);
  }
  return captureResult(driver, compressed, stats);
}

export function captureResult(driver: CaptureDriver, compressed: boolean, stats: DecodeStats): CaptureResult {
  const { parser, carry } = driver;
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
