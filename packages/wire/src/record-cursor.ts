import type { TcpPacket } from '@tcplens/packet';
import { HEADER_SIZE, R, RECORD_SIZE } from './layout.js';

const EMPTY = new Uint8Array(0);

/**
 * A reused view of one record of a packets batch; it implements TcpPacket so the lifecycle engine
 * consumes it exactly like a freshly decoded packet. Scalar fields are read from the batch on each
 * access. `src` and `dst` are copied into two arrays owned by the cursor when it moves (a subarray
 * view would allocate per record); like every TcpPacket they are valid until the cursor moves again.
 */
export class RecordCursor implements TcpPacket {
  private bytes: Uint8Array = EMPTY;
  private view: DataView = new DataView(EMPTY.buffer);
  private base = HEADER_SIZE;
  private off = 0;
  private index = -1;
  private total = 0;
  private readonly srcBuf = new Uint8Array(16);
  private readonly dstBuf = new Uint8Array(16);

  /** Points the cursor before the first of `count` records that follow a `headerLen` header. */
  attach(bytes: Uint8Array, view: DataView, headerLen: number, count: number): void {
    this.bytes = bytes;
    this.view = view;
    this.total = count;
    this.index = -1;
    this.off = headerLen - RECORD_SIZE;
    this.base = headerLen;
  }

  get count(): number {
    return this.total;
  }
  /** Index of the current record, -1 before the first. */
  get position(): number {
    return this.index;
  }

  /** Steps to the next record; false (and no current record) after the last. */
  next(): boolean {
    if (this.index + 1 >= this.total) {
      this.index = this.total;
      return false;
    }
    this.index++;
    this.off += RECORD_SIZE;
    this.copyAddresses();
    return true;
  }

  /** Moves to record i; throws RangeError for an index outside 0..count-1 (a caller bug, not bad data). */
  at(i: number): this {
    if (!Number.isInteger(i) || i < 0 || i >= this.total) {
      throw new RangeError(`record index ${i} outside 0..${this.total - 1}`);
    }
    this.index = i;
    this.off = this.base + i * RECORD_SIZE;
    this.copyAddresses();
    return this;
  }

  private copyAddresses(): void {
    const b = this.bytes;
    const s = this.off + R.SRC;
    const d = this.off + R.DST;
    const src = this.srcBuf;
    const dst = this.dstBuf;
    for (let k = 0; k < 16; k++) {
      src[k] = b[s + k]!;
      dst[k] = b[d + k]!;
    }
  }

  get tsSec(): number { return this.view.getUint32(this.off + R.TS_SEC, true); }
  get tsNsec(): number { return this.view.getUint32(this.off + R.TS_NSEC, true); }
  // the encoder only writes 4 or 6 and the CRC guards the byte, so anything but 4 reads as 6
  get ipVersion(): 4 | 6 { return this.bytes[this.off + R.IP_VERSION] === 4 ? 4 : 6; }
  get src(): Uint8Array { return this.srcBuf; }
  get dst(): Uint8Array { return this.dstBuf; }
  get srcPort(): number { return this.view.getUint16(this.off + R.SRC_PORT, true); }
  get dstPort(): number { return this.view.getUint16(this.off + R.DST_PORT, true); }
  get seq(): number { return this.view.getUint32(this.off + R.SEQ, true); }
  get ack(): number { return this.view.getUint32(this.off + R.ACK, true); }
  get flags(): number { return this.view.getUint16(this.off + R.FLAGS, true); }
  get window(): number { return this.view.getUint16(this.off + R.WINDOW, true); }
  get urgent(): number { return this.view.getUint16(this.off + R.URGENT, true); }
  get payloadLen(): number { return this.view.getUint16(this.off + R.PAYLOAD_LEN, true); }
  get ipLen(): number { return this.view.getUint32(this.off + R.IP_LEN, true); }
  get tcpHeaderLen(): number { return this.bytes[this.off + R.TCP_HEADER_LEN]!; }
  get ttl(): number { return this.bytes[this.off + R.TTL]!; }
  get options(): number { return this.bytes[this.off + R.OPTIONS]!; }
  get mss(): number { return this.view.getUint16(this.off + R.MSS, true); }
  get wscale(): number { return this.bytes[this.off + R.WSCALE]!; }
  get tsVal(): number { return this.view.getUint32(this.off + R.TS_VAL, true); }
  get tsEcr(): number { return this.view.getUint32(this.off + R.TS_ECR, true); }
  get sackBlocks(): number { return this.bytes[this.off + R.SACK_BLOCKS]!; }
}
