import { WireError } from './errors.js';
import { writeHeader, writeSensorId } from './header.js';
import { BatchKind, HEADER_SIZE, W, WATERMARK_SIZE } from './layout.js';
import { encodeSensorId } from './sensor-id.js';

/** Why a sensor sent a watermark. */
export const WatermarkReason = {
  heartbeat: 1,
  end_of_input: 2,
} as const;
export type WatermarkReasonName = keyof typeof WatermarkReason;

/** Counters since the sensor started (monotonic), so a lost watermark loses nothing. */
export interface SensorCounters {
  packetsCaptured: number;
  kernelDrops: number;
  interfaceDrops: number;
  decodeErrors: number;
  spoolDrops: number;
}

/**
 * A sensor's progress report. `clockSec/clockNsec` is the sensor's clock in packet time: every packet
 * with a timestamp at or before it has already been published in an earlier batch, so a consumer
 * can close time windows up to it.
 */
export interface Watermark extends SensorCounters {
  clockSec: number;
  clockNsec: number;
  reason: number;
}

const COUNTERS = [
  ['packetsCaptured', W.PACKETS_CAPTURED],
  ['kernelDrops', W.KERNEL_DROPS],
  ['interfaceDrops', W.INTERFACE_DROPS],
  ['decodeErrors', W.DECODE_ERRORS],
  ['spoolDrops', W.SPOOL_DROPS],
] as const satisfies readonly (readonly [keyof SensorCounters, number])[];

const TWO_32 = 0x1_0000_0000;

function range(field: string, value: number, type: string): never {
  throw new WireError('TCPLENS_ERR_WIRE_FIELD_RANGE', `${field} = ${value} does not fit the wire field (${type})`);
}

/** Encodes one watermark batch into a new buffer (watermarks are rare; this allocates). */
export function encodeWatermark(sensorId: string, w: Watermark): Uint8Array {
  const id = encodeSensorId(sensorId);
  if (w.clockSec >>> 0 !== w.clockSec) range('clockSec', w.clockSec, 'u32');
  if (w.clockNsec >>> 0 !== w.clockNsec || w.clockNsec > 999_999_999) range('clockNsec', w.clockNsec, '0..999999999');
  if ((w.reason & 0xff) !== w.reason) range('reason', w.reason, 'u8');
  const bytes = new Uint8Array(HEADER_SIZE + WATERMARK_SIZE);
  const view = new DataView(bytes.buffer);
  writeSensorId(bytes, id);
  const o = HEADER_SIZE;
  view.setUint32(o + W.CLOCK_SEC, w.clockSec, true);
  view.setUint32(o + W.CLOCK_NSEC, w.clockNsec, true);
  bytes[o + W.REASON] = w.reason;
  for (const [name, at] of COUNTERS) {
    const v = w[name];
    if (!Number.isSafeInteger(v) || v < 0) range(name, v, 'u64 within 2^53');
    view.setUint32(o + at, v % TWO_32, true);
    view.setUint32(o + at + 4, Math.floor(v / TWO_32), true);
  }
  const t = { firstTsSec: w.clockSec, firstTsNsec: w.clockNsec, lastTsSec: w.clockSec, lastTsNsec: w.clockNsec };
  return writeHeader(bytes, view, BatchKind.watermark, WATERMARK_SIZE, 1, t);
}

/** Reads the watermark body at `off` into `out` (reused by the caller if it likes). */
export function readWatermark(view: DataView, off: number, out: Watermark): Watermark {
  out.clockSec = view.getUint32(off + W.CLOCK_SEC, true);
  out.clockNsec = view.getUint32(off + W.CLOCK_NSEC, true);
  out.reason = view.getUint8(off + W.REASON);
  for (const [name, at] of COUNTERS) {
    out[name] = view.getUint32(off + at, true) + view.getUint32(off + at + 4, true) * TWO_32;
  }
  return out;
}

export function emptyWatermark(): Watermark {
  return {
    clockSec: 0, clockNsec: 0, reason: 0,
    packetsCaptured: 0, kernelDrops: 0, interfaceDrops: 0, decodeErrors: 0, spoolDrops: 0,
  };
}
