import type { TcpPacket } from './tcp-packet.js';

/**
 * A push parser over the decompressed capture bytes. The driver hands it byte ranges; it consumes
 * whole records only and says how many bytes it needs (from the first unconsumed byte) to go on.
 */
export interface CaptureParser {
  readonly format: 'pcap' | 'pcapng';
  /** Bytes needed from the returned offset before parse can make progress. */
  readonly need: number;
  /** Link types of the capture (pcap: one; pcapng: one per interface seen). */
  readonly linkTypes: readonly number[];
  /** Parses whole records in b[off, end); returns the offset just after the last one consumed. */
  parse(b: Uint8Array, off: number, end: number): number;
}

export type OnTcp = (p: TcpPacket) => void;

/** Largest record accepted (pcapng block / pcap record): bigger means a corrupt length field. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
