/** Test helper (not exported): a capture as one sensor's wire messages, as the sensor would publish them. */
import { readCaptureFile } from '@tcplens/packet';
import { BatchBuilder, encodeWatermark, emptyWatermark, WatermarkReason } from '@tcplens/wire';

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function watermarkAt(sensor: string, us: number, reason: number): Buffer {
  return Buffer.from(encodeWatermark(sensor, { ...emptyWatermark(), clockSec: Math.floor(us / 1e6), clockNsec: (us % 1e6) * 1000, reason }));
}

/**
 * The capture as sensor `s1`'s messages: packet batches of random size (1..maxBatch), heartbeat
 * watermarks between them at random (clock: 1 µs before the earliest packet still to come, so the
 * promise holds even for out-of-order captures), end of input at the end unless `endOfInput` is false.
 */
export async function captureMessages(file: string, seed: number, maxBatch: number, endOfInput = true): Promise<Buffer[]> {
  const times: number[] = [];
  await readCaptureFile(file, (p) => void times.push(p.tsSec * 1e6 + Math.floor(p.tsNsec / 1000)));
  const suffixMin = new Array<number>(times.length + 1).fill(Infinity);
  for (let i = times.length - 1; i >= 0; i--) suffixMin[i] = Math.min(times[i]!, suffixMin[i + 1]!);
  const rnd = prng(seed);
  const out: Buffer[] = [];
  const b = new BatchBuilder('s1', maxBatch);
  let i = 0;
  let size = 1 + Math.floor(rnd() * maxBatch);
  const seal = (): void => {
    out.push(Buffer.from(b.finish()));
    b.reset();
    size = 1 + Math.floor(rnd() * maxBatch);
    if (rnd() < 0.5 && suffixMin[i]! < Infinity) out.push(watermarkAt('s1', suffixMin[i]! - 1, WatermarkReason.heartbeat));
  };
  await readCaptureFile(file, (p) => {
    if (!b.append(p)) throw new Error('batch full');
    i++;
    if (b.size >= size) seal();
  });
  if (b.size > 0) seal();
  if (endOfInput) out.push(watermarkAt('s1', times.reduce((m, t) => Math.max(m, t), 0), WatermarkReason.end_of_input));
  return out;
}
