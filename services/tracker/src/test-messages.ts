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

/**
 * The capture seen by two sensors (`s1`, `s2`, the same packets and timestamps), as their messages
 * interleave in one partition: s2's batches arrive 0..maxLag-1 of s1's batches late. Each sensor's
 * heartbeats (at random after its batches) promise only what that sensor has sent.
 */
export async function twoSensorMessages(file: string, seed: number, maxBatch: number, maxLag = 4): Promise<Buffer[]> {
  const times: number[] = [];
  await readCaptureFile(file, (p) => void times.push(p.tsSec * 1e6 + Math.floor(p.tsNsec / 1000)));
  const suffixMin = new Array<number>(times.length + 1).fill(Infinity);
  for (let i = times.length - 1; i >= 0; i--) suffixMin[i] = Math.min(times[i]!, suffixMin[i + 1]!);
  const rnd = prng(seed);
  // Both sensors announce themselves first (a live sensor heartbeats from its start): a sensor
  // nobody has heard of cannot hold event time back.
  const out: Buffer[] = [watermarkAt('s1', suffixMin[0]! - 1, WatermarkReason.heartbeat), watermarkAt('s2', suffixMin[0]! - 1, WatermarkReason.heartbeat)];
  const b1 = new BatchBuilder('s1', maxBatch);
  const b2 = new BatchBuilder('s2', maxBatch);
  const late: { value: Buffer; end: number; due: number }[] = [];
  let chunk = 0;
  let i = 0;
  let size = 1 + Math.floor(rnd() * maxBatch);
  const release = (all: boolean): void => {
    while (late.length > 0 && (all || late[0]!.due <= chunk)) {
      const m = late.shift()!;
      out.push(m.value);
      if (rnd() < 0.5 && suffixMin[m.end]! < Infinity) out.push(watermarkAt('s2', suffixMin[m.end]! - 1, WatermarkReason.heartbeat));
    }
  };
  const seal = (): void => {
    out.push(Buffer.from(b1.finish()));
    b1.reset();
    if (rnd() < 0.5 && suffixMin[i]! < Infinity) out.push(watermarkAt('s1', suffixMin[i]! - 1, WatermarkReason.heartbeat));
    late.push({ value: Buffer.from(b2.finish()), end: i, due: chunk + Math.floor(rnd() * maxLag) });
    b2.reset();
    chunk++;
    release(false);
    size = 1 + Math.floor(rnd() * maxBatch);
  };
  await readCaptureFile(file, (p) => {
    if (!b1.append(p) || !b2.append(p)) throw new Error('batch full');
    i++;
    if (b1.size >= size) seal();
  });
  if (b1.size > 0) seal();
  release(true);
  const end = times.reduce((m, t) => Math.max(m, t), 0);
  out.push(watermarkAt('s1', end, WatermarkReason.end_of_input), watermarkAt('s2', end, WatermarkReason.end_of_input));
  return out;
}
