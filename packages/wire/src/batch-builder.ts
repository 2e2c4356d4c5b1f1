import type { TcpPacket } from '@tcplens/packet';
import { WireError } from './errors.js';
import { writeHeader, writeSensorId, type HeaderTimes } from './header.js';
import { BatchKind, HEADER_SIZE, R, RECORD_SIZE } from './layout.js';
import { LITTLE_ENDIAN_HOST, writeRecord } from './record-writer.js';
import { encodeSensorId } from './sensor-id.js';

/** Largest capacity accepted: keeps a batch under 16 MiB, far above Kafka's usual 1 MB limit. */
export const MAX_CAPACITY = Math.floor((16 * 1024 * 1024 - HEADER_SIZE) / RECORD_SIZE);

/**
 * Fills one preallocated buffer with records, then seals it as a `packets` batch.
 *
 * `finish()` returns a view of the builder's own buffer, not a copy: it stays valid until the next
 * `append()` or `reset()`. A caller that hands the bytes to something asynchronous (a Kafka producer)
 * must copy them (`.slice()`) or keep one builder per in-flight batch.
 */
export class BatchBuilder {
  readonly capacity: number;
  readonly sensorId: string;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly words: Uint32Array | null;
  private count = 0;
  private readonly times: HeaderTimes = { firstTsSec: 0, firstTsNsec: 0, lastTsSec: 0, lastTsNsec: 0 };

  constructor(sensorId: string, capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
      throw new WireError('TCPLENS_ERR_WIRE_CAPACITY', `batch capacity ${capacity} is not an integer in 1..${MAX_CAPACITY}`);
    }
    const id = encodeSensorId(sensorId);
    this.capacity = capacity;
    this.sensorId = sensorId;
    this.bytes = new Uint8Array(HEADER_SIZE + capacity * RECORD_SIZE);
    this.view = new DataView(this.bytes.buffer);
    this.words = LITTLE_ENDIAN_HOST ? new Uint32Array(this.bytes.buffer) : null;
    writeSensorId(this.bytes, id);
  }

  /** Records appended since the last reset. */
  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /**
   * Copies the packet's fields into the next record slot. Returns false (and changes nothing) when the
   * batch is full. Throws WireError TCPLENS_ERR_WIRE_FIELD_RANGE when a value does not fit its field.
   */
  append(p: TcpPacket): boolean {
    if (this.count === this.capacity) return false;
    const off = HEADER_SIZE + this.count * RECORD_SIZE;
    writeRecord(this.bytes, this.view, this.words, off, p);
    const t = this.times;
    // writeRecord checked both are u32: the values stored are these.
    const sec = p.tsSec;
    const nsec = p.tsNsec;
    if (this.count === 0) {
      t.firstTsSec = sec;
      t.firstTsNsec = nsec;
    }
    t.lastTsSec = sec;
    t.lastTsNsec = nsec;
    this.count++;
    return true;
  }

  /** Writes the header and checksum; see the class comment for how long the returned view lives. */
  finish(): Uint8Array {
    return writeHeader(this.bytes, this.view, BatchKind.packets, RECORD_SIZE, this.count, this.times);
  }

  reset(): void {
    this.count = 0;
    const t = this.times;
    t.firstTsSec = t.firstTsNsec = t.lastTsSec = t.lastTsNsec = 0;
  }
}
