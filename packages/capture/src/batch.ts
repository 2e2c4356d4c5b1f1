import { decodeFrameAt, type DecodeStats, type MutableTcpPacket, type OnTcp } from '@tcplens/packet';

/**
 * One batch of captured packets as the capture thread laid them out, records back to back:
 *
 *   ts_sec u32 LE | ts_nsec u32 LE | caplen u32 LE | origlen u32 LE | caplen bytes, padded to 4
 *
 * The object and its buffer are reused: both are valid only during the onBatch call.
 */
export interface CaptureBatch {
  /** Interface the batch came from. */
  readonly iface: string;
  readonly linkType: number;
  readonly buffer: Buffer;
  /** Packets in the batch. */
  readonly count: number;
  /** Bytes of buffer used by the records. */
  readonly bytes: number;
}

export const RECORD_HEADER_BYTES = 16;

/** Offset of the record after the one at `off` whose caplen is capLen. */
export function nextRecord(off: number, capLen: number): number {
  return off + RECORD_HEADER_BYTES + ((capLen + 3) & ~3);
}

/**
 * Decodes every record of a batch with the packet package's decoder; calls onTcp with the reused
 * cursor for each TCP segment. Non-TCP frames are counted in stats.reasons, never thrown.
 */
export function decodeBatch(batch: CaptureBatch, out: MutableTcpPacket, stats: DecodeStats, onTcp: OnTcp): void {
  const b = batch.buffer;
  const linkType = batch.linkType;
  let off = 0;
  for (let i = 0; i < batch.count; i++) {
    const tsSec = b.readUInt32LE(off);
    const tsNsec = b.readUInt32LE(off + 4);
    const capLen = b.readUInt32LE(off + 8);
    const origLen = b.readUInt32LE(off + 12);
    if (decodeFrameAt(linkType, b, off + RECORD_HEADER_BYTES, capLen, origLen, tsSec, tsNsec, out, stats)) onTcp(out);
    off = nextRecord(off, capLen);
  }
  stats.bytesConsumed += batch.bytes;
}
