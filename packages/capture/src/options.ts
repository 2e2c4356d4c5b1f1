import { CaptureError } from './errors.js';
import type { NativeOpenOptions } from './native.js';

/** Live-capture configuration. Every field has a default; see CAPTURE_DEFAULTS. */
export interface CaptureOptions {
  /** BPF filter (pcap-filter(7)). */
  readonly filter: string;
  /** Bytes kept per packet: enough for link + IPv6 with extension headers + TCP with options. */
  readonly snaplen: number;
  /** Kernel ring size in bytes: what absorbs a burst while JavaScript is busy. */
  readonly bufferSize: number;
  /** Deliver each packet as soon as it arrives (more wake-ups, lower latency). */
  readonly immediate: boolean;
  /** Read timeout: the longest a packet waits in the kernel before the thread sees it. */
  readonly timeoutMs: number;
  /** Longest a packet waits in a partly filled batch before JavaScript gets it. */
  readonly flushMs: number;
  readonly promisc: boolean;
  /** Ask for nanosecond timestamps; libpcap falls back to microseconds where it cannot. */
  readonly tstampPrecision: 'nano' | 'micro';
  /** Size of one batch buffer handed to JavaScript. */
  readonly batchBytes: number;
  /** How many batch buffers rotate between the capture thread and JavaScript (2..16). */
  readonly batchSlots: number;
}

export const CAPTURE_DEFAULTS: CaptureOptions = Object.freeze({
  filter: 'tcp',
  snaplen: 128,
  bufferSize: 32 * 1024 * 1024,
  immediate: false,
  timeoutMs: 100,
  flushMs: 100,
  promisc: false,
  tstampPrecision: 'nano',
  batchBytes: 1024 * 1024,
  batchSlots: 4,
});

const intRange = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;

/** Merges defaults, checks everything at once, returns a frozen copy. */
export function resolveCaptureOptions(partial: Partial<CaptureOptions> = {}): CaptureOptions {
  const o: CaptureOptions = { ...CAPTURE_DEFAULTS, ...partial };
  const problems: string[] = [];
  if (typeof o.filter !== 'string') problems.push('filter must be a string');
  if (!intRange(o.snaplen, 64, 262144)) problems.push('snaplen must be an integer in 64..262144');
  if (!intRange(o.bufferSize, 65536, 2 ** 31 - 1)) problems.push('bufferSize must be an integer in 64 KiB..2 GiB');
  if (!intRange(o.timeoutMs, 1, 10000)) problems.push('timeoutMs must be an integer in 1..10000');
  if (!intRange(o.flushMs, 1, 10000)) problems.push('flushMs must be an integer in 1..10000');
  if (o.tstampPrecision !== 'nano' && o.tstampPrecision !== 'micro') problems.push("tstampPrecision must be 'nano' or 'micro'");
  if (!intRange(o.batchSlots, 2, 16)) problems.push('batchSlots must be an integer in 2..16');
  const minBatch = 128 * (16 + o.snaplen + 3);
  if (!intRange(o.batchBytes, minBatch, 256 * 1024 * 1024)) problems.push(`batchBytes must hold 128 records (>= ${minBatch})`);
  if (problems.length > 0) throw new CaptureError('TCPLENS_ERR_CAPTURE_BAD_OPTIONS', { problems: problems.join('; ') });
  return Object.freeze(o);
}

export function toNativeOptions(o: CaptureOptions): NativeOpenOptions {
  return {
    snaplen: o.snaplen,
    filter: o.filter,
    bufferSize: o.bufferSize,
    timeoutMs: o.timeoutMs,
    immediate: o.immediate,
    promisc: o.promisc,
    nano: o.tstampPrecision === 'nano',
    flushMs: o.flushMs,
  };
}
