// Test helper: reads a capture and keeps a copy of the interesting fields of every segment.
import { readCapture, type CaptureResult } from './read-capture.js';
import { chunked } from './test-frames.js';

export interface Seen { srcPort: number; tsSec: number; tsNsec: number; payloadLen: number }

export async function collect(bytes: Uint8Array, chunkSize = 1 << 16): Promise<{ seen: Seen[]; result: CaptureResult }> {
  const seen: Seen[] = [];
  const result = await readCapture(chunked(bytes, chunkSize), (p) => {
    seen.push({ srcPort: p.srcPort, tsSec: p.tsSec, tsNsec: p.tsNsec, payloadLen: p.payloadLen });
  });
  return { seen, result };
}

/** Runs readCapture expecting a rejection; returns the error and the segments delivered before it. */
export async function collectError(bytes: Uint8Array, chunkSize = 1 << 16): Promise<{ seen: number[]; error: unknown }> {
  const seen: number[] = [];
  try {
    await readCapture(chunked(bytes, chunkSize), (p) => seen.push(p.srcPort));
  } catch (error) {
    return { seen, error };
  }
  throw new Error('readCapture resolved, expected a rejection');
}
