import { crc32 } from 'node:zlib';
import { WireError } from './errors.js';
import { needBytes } from './header.js';
import { BatchKind, CRC_START, H, HEADER_SIZE, MAGIC, RECORD_SIZE, WATERMARK_SIZE, WIRE_VERSION } from './layout.js';
import { RecordCursor } from './record-cursor.js';
import { decodeSensorId } from './sensor-id.js';
import { emptyWatermark, readWatermark, type Watermark } from './watermark.js';

/** The body size each known kind must declare; unknown kinds are validated structurally only. */
const KIND_RECORD_SIZE: Readonly<Record<number, number>> = {
  [BatchKind.packets]: RECORD_SIZE,
  [BatchKind.watermark]: WATERMARK_SIZE,
};

/**
 * Validates batches and reads them. One reader is reused for many batches: `open()` allocates only a
 * DataView per batch, and `packets()` returns the same RecordCursor every time.
 *
 * Validation order: length, magic, version, header length, record size, length vs count, checksum.
 * A batch of a kind this build does not know passes `open()` (structure and CRC checked), so a
 * consumer can skip it by looking at `kind`.
 */
export class BatchReader {
  private bytes: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.bytes.buffer);
  private readonly cursor = new RecordCursor();
  private sensorIdCache: string | undefined;
  headerLen = 0;
  kind = 0;
  flags = 0;
  recordSize = 0;
  count = 0;
  firstTsSec = 0;
  firstTsNsec = 0;
  lastTsSec = 0;
  lastTsNsec = 0;

  open(buf: Uint8Array): this {
    needBytes(buf, 4, 'the magic');
    if (buf[0] !== MAGIC[0] || buf[1] !== MAGIC[1] || buf[2] !== MAGIC[2] || buf[3] !== MAGIC[3]) {
      const got = Array.from(buf.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new WireError('TCPLENS_ERR_WIRE_BAD_MAGIC', `not a tcplens wire batch: starts with ${got}, expected "TCPL"`);
    }
    needBytes(buf, 6, 'the version');
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const version = view.getUint16(H.VERSION, true);
    if (version !== WIRE_VERSION) {
      throw new WireError(
        'TCPLENS_ERR_WIRE_VERSION',
        `wire format version ${version} is not supported (this build reads version ${WIRE_VERSION})`,
      );
    }
    needBytes(buf, H.HEADER_LEN + 2, 'the header length');
    const headerLen = view.getUint16(H.HEADER_LEN, true);
    if (headerLen < HEADER_SIZE) {
      throw new WireError(
        'TCPLENS_ERR_WIRE_HEADER_LENGTH',
        `wire batch header length ${headerLen} is below the ${HEADER_SIZE} bytes of version ${WIRE_VERSION}`,
      );
    }
    needBytes(buf, headerLen, 'the header');
    const kind = buf[H.KIND]!;
    const recordSize = view.getUint16(H.RECORD_SIZE, true);
    const expected = KIND_RECORD_SIZE[kind];
    if (expected !== undefined && recordSize !== expected) {
      throw new WireError('TCPLENS_ERR_WIRE_RECORD_SIZE', `batch kind ${kind} declares ${recordSize}-byte records, expected ${expected}`);
    }
    const count = view.getUint32(H.RECORD_COUNT, true);
    if (kind === BatchKind.watermark && count !== 1) {
      throw new WireError('TCPLENS_ERR_WIRE_RECORD_SIZE', `a watermark batch carries exactly 1 body, this one says ${count}`);
    }
    const end = headerLen + count * recordSize;
    needBytes(buf, end, `${count} records of ${recordSize} bytes`);
    if (buf.length > end) {
      throw new WireError('TCPLENS_ERR_WIRE_TRAILING_BYTES', `wire batch has ${buf.length - end} bytes after its ${count} records`);
    }
    const stored = view.getUint32(H.CRC, true);
    const actual = crc32(buf.subarray(CRC_START));
    if (stored !== actual) {
      throw new WireError(
        'TCPLENS_ERR_WIRE_CHECKSUM',
        `wire batch checksum mismatch: header says ${hex32(stored)}, content gives ${hex32(actual)}`,
      );
    }
    const idLen = buf[H.SENSOR_ID_LEN]!;
    if (idLen === 0 || idLen > HEADER_SIZE - H.SENSOR_ID) {
      throw new WireError('TCPLENS_ERR_WIRE_SENSOR_ID', `sensor id length ${idLen} in the batch header is outside 1..63`);
    }
    this.bytes = buf;
    this.view = view;
    this.sensorIdCache = undefined;
    this.headerLen = headerLen;
    this.kind = kind;
    this.flags = buf[H.FLAGS]!;
    this.recordSize = recordSize;
    this.count = count;
    this.firstTsSec = view.getUint32(H.FIRST_TS_SEC, true);
    this.firstTsNsec = view.getUint32(H.FIRST_TS_NSEC, true);
    this.lastTsSec = view.getUint32(H.LAST_TS_SEC, true);
    this.lastTsNsec = view.getUint32(H.LAST_TS_NSEC, true);
    this.cursor.attach(buf, view, kind === BatchKind.packets ? headerLen : 0, kind === BatchKind.packets ? count : 0);
    return this;
  }

  /** The sensor id, decoded on first access per batch (a string allocation per batch, not per record). */
  get sensorId(): string {
    if (this.sensorIdCache === undefined) {
      const len = this.bytes[H.SENSOR_ID_LEN]!;
      this.sensorIdCache = decodeSensorId(this.bytes.subarray(H.SENSOR_ID, H.SENSOR_ID + len));
    }
    return this.sensorIdCache;
  }

  /** The reused record cursor, placed before the first record. Throws unless this is a packets batch. */
  packets(): RecordCursor {
    this.expectKind(BatchKind.packets, 'packets');
    this.cursor.attach(this.bytes, this.view, this.headerLen, this.count);
    return this.cursor;
  }

  /** The watermark body, read into `out` (or a new object). Throws unless this is a watermark batch. */
  watermark(out: Watermark = emptyWatermark()): Watermark {
    this.expectKind(BatchKind.watermark, 'watermark');
    return readWatermark(this.view, this.headerLen, out);
  }

  private expectKind(kind: number, name: string): void {
    if (this.kind !== kind) {
      throw new WireError('TCPLENS_ERR_WIRE_KIND', `asked for a ${name} batch, this batch is of kind ${this.kind}`);
    }
  }
}

function hex32(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

/** Validates `buf` and returns a new reader on it (hot loops should reuse one BatchReader instead). */
export function openBatch(buf: Uint8Array): BatchReader {
  return new BatchReader().open(buf);
}
