import { WireError } from './errors.js';
import { CRC_START, H, HEADER_SIZE, MAGIC, WIRE_VERSION } from './layout.js';
import { crc32 } from 'node:zlib';

/** The timestamps a header carries besides its counts: first and last record (or watermark clock). */
export interface HeaderTimes {
  firstTsSec: number;
  firstTsNsec: number;
  lastTsSec: number;
  lastTsNsec: number;
}

/**
 * Writes a version-1 header in front of `count` bodies of `recordSize` bytes already in `bytes`,
 * then the CRC. The sensor id area must already hold the id (builders write it once).
 */
export function writeHeader(
  bytes: Uint8Array,
  view: DataView,
  kind: number,
  recordSize: number,
  count: number,
  t: HeaderTimes,
): Uint8Array {
  bytes[H.MAGIC] = MAGIC[0];
  bytes[H.MAGIC + 1] = MAGIC[1];
  bytes[H.MAGIC + 2] = MAGIC[2];
  bytes[H.MAGIC + 3] = MAGIC[3];
  view.setUint16(H.VERSION, WIRE_VERSION, true);
  view.setUint16(H.HEADER_LEN, HEADER_SIZE, true);
  bytes[H.KIND] = kind;
  bytes[H.FLAGS] = 0;
  view.setUint16(H.RECORD_SIZE, recordSize, true);
  view.setUint32(H.RECORD_COUNT, count, true);
  view.setUint32(H.FIRST_TS_SEC, t.firstTsSec, true);
  view.setUint32(H.FIRST_TS_NSEC, t.firstTsNsec, true);
  view.setUint32(H.LAST_TS_SEC, t.lastTsSec, true);
  view.setUint32(H.LAST_TS_NSEC, t.lastTsNsec, true);
  const end = HEADER_SIZE + count * recordSize;
  const out = bytes.subarray(0, end);
  view.setUint32(H.CRC, crc32(out.subarray(CRC_START)), true);
  return out;
}

/** Writes the sensor id into its fixed slot (length byte + zero-padded UTF-8). */
export function writeSensorId(bytes: Uint8Array, id: Uint8Array): void {
  bytes.fill(0, H.SENSOR_ID_LEN, HEADER_SIZE);
  bytes[H.SENSOR_ID_LEN] = id.length;
  bytes.set(id, H.SENSOR_ID);
}

/** Throws unless `buf` is long enough for `need` bytes; `what` says which part was cut. */
export function needBytes(buf: Uint8Array, need: number, what: string): void {
  if (buf.length < need) {
    throw new WireError(
      'TCPLENS_ERR_WIRE_TRUNCATED',
      `wire batch truncated: ${buf.length} bytes, ${what} needs ${need}`,
    );
  }
}
