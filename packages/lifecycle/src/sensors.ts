/**
 * Vantage points. The same connection captured by several sensors (say the client host and the
 * server host) is one record:
 *
 * - Sensors are interned to small integers (ConnectionTracker.sensorIndex); the tracker's
 *   `sensorId` option is sensor 0.
 * - A segment is the *same segment* seen by another sensor when direction, flags, seq, ack and
 *   payload length are equal and the two copies are at most `dedupWindowUs` apart (clock offset
 *   plus path delay). Such a copy adds the sensor to the record but nothing else: packets, bytes,
 *   history and state count each segment once. The same segment seen twice by one sensor is a
 *   retransmission, as always.
 * - Handshake timings are kept per sensor from that sensor's own copies, so each interval is
 *   measured on one clock: an offset between hosts cannot corrupt a latency.
 */
import { TcpFlag } from '@tcplens/packet';
import { CB } from './conn.js';
import { Col, type Store } from './store.js';

/** Handshake timestamps of one clock (µs, -1 = not seen). */
export interface HandshakeClock {
  lastSynUs: number;
  synAckUs: number;
  synToSynAckUs: number;
  handshakeAckUs: number;
  timingDone: boolean;
}

export class SensorClock implements HandshakeClock {
  lastSynUs = -1;
  synAckUs = -1;
  synToSynAckUs = -1;
  handshakeAckUs = -1;
  timingDone = false;
  constructor(readonly sensor: number) {}
}

/**
 * One packet on one clock. lastSynUs follows every originator SYN until the handshake completes
 * (Wireshark's ts_mru_syn, Argus measures from the last SYN too); the SYN-ACK time is the first
 * SYN-ACK after that SYN; the handshake completes with the originator's first ACK (no SYN, no
 * RST) after a SYN-ACK.
 */
export function clockPacket(h: HandshakeClock, isOrig: boolean, flags: number, t: number): void {
  if (h.timingDone) return;
  const synAck = flags & (TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST);
  if (isOrig) {
    if (synAck === TcpFlag.SYN) h.lastSynUs = t;
    else if (synAck === TcpFlag.ACK && h.synAckUs >= 0) {
      h.handshakeAckUs = t;
      h.timingDone = true;
    }
  } else if (synAck === (TcpFlag.SYN | TcpFlag.ACK) && (h.synAckUs < 0 || h.synAckUs < h.lastSynUs)) {
    h.synAckUs = t;
    h.synToSynAckUs = h.lastSynUs >= 0 ? t - h.lastSynUs : -1;
  }
}

/** The first sensor's clock of slot s: the same rules on the store's columns. */
export function clockPacket0(st: Store, s: number, isOrig: boolean, flags: number, t: number): void {
  if ((st.bits[s]! & CB.TIMING_DONE) !== 0) return;
  const synAck = flags & (TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST);
  if (isOrig) {
    if (synAck === TcpFlag.SYN) st.setT(st.lastSynUs, Col.LAST_SYN, s, s, t);
    else if (synAck === TcpFlag.ACK && st.getT(st.synAckUs, Col.SYN_ACK, s, s) >= 0) {
      st.setT(st.handshakeAckUs, Col.HS_ACK, s, s, t);
      st.bits[s]! |= CB.TIMING_DONE;
    }
  } else if (synAck === (TcpFlag.SYN | TcpFlag.ACK)) {
    const synAckUs = st.getT(st.synAckUs, Col.SYN_ACK, s, s);
    const lastSynUs = st.getT(st.lastSynUs, Col.LAST_SYN, s, s);
    if (synAckUs < 0 || synAckUs < lastSynUs) {
      st.setT(st.synAckUs, Col.SYN_ACK, s, s, t);
      st.setT(st.synAnsweredUs, Col.SYN_ANSWERED, s, s, lastSynUs);
    }
  }
}

/**
 * Multi-sensor data of one connection (store.multi): created when a connection is first seen by a
 * sensor other than sensor 0, or when a second sensor delivers a packet of it.
 */
export class MultiSide {
  /** Handshake clocks of the other sensors. */
  clocks: SensorClock[] | null = null;
  /** Last packet time on the first sensor's clock; -1 while it equals the connection's lastUs. */
  lastUs0 = -1;
  constructor(readonly sensor0: number) {}
}

export function sensorBit(sensor: number): number {
  return sensor >= 31 ? 1 << 31 : 1 << sensor;
}

const RING = 16;

/**
 * The last RING segments of each connection (by slot), for cross-sensor duplicate detection: one
 * set of typed-array columns for all connections (no object per connection), RING entries per
 * slot. An entry: key (direction, flags, payload length; -1 when empty), seq, ack, time (µs) and
 * the mask of the sensors that delivered it. `solo` (sensor + 1, or 0) marks a connection that
 * only one sensor has delivered packets of: its next segment from that sensor cannot be a copy,
 * so it is remembered without a search.
 */
export class DedupRings {
  private key = new Int32Array(0);
  private seq = new Uint32Array(0);
  private ack = new Uint32Array(0);
  private t = new Float64Array(0);
  private mask = new Uint32Array(0);
  private pos = new Uint8Array(0);
  /** Per slot: 0 no ring; 1 a ring that is searched (several sensors); sensor + 2 solo for that sensor. */
  private state = new Int32Array(0);

  /** Room for slots 0..slots-1. */
  ensure(slots: number): void {
    if (slots <= this.pos.length) return;
    const n = Math.max(slots, this.pos.length * 2, 1024);
    const grow = <T extends Int32Array | Uint32Array | Float64Array | Uint8Array>(a: T, make: (len: number) => T, len: number): T => {
      const b = make(len);
      b.set(a);
      return b;
    };
    this.key = grow(this.key, (l) => new Int32Array(l), n * RING);
    this.seq = grow(this.seq, (l) => new Uint32Array(l), n * RING);
    this.ack = grow(this.ack, (l) => new Uint32Array(l), n * RING);
    this.t = grow(this.t, (l) => new Float64Array(l), n * RING);
    this.mask = grow(this.mask, (l) => new Uint32Array(l), n * RING);
    this.pos = grow(this.pos, (l) => new Uint8Array(l), n);
    this.state = grow(this.state, (l) => new Int32Array(l), n);
  }

  /** Starts slot s's ring empty, solo for `sensor` (opened by it). */
  open(s: number, sensor: number): void {
    this.ensure(s + 1);
    this.key.fill(-1, s * RING, s * RING + RING);
    this.pos[s] = 0;
    this.state[s] = sensor + 2;
  }

  /** Forgets slot s (the connection left the table). */
  release(s: number): void {
    if (s < this.state.length) this.state[s] = 0;
  }

  /** True when only `sensor` has delivered packets of slot s (and its ring exists). */
  isSolo(s: number, sensor: number): boolean {
    return s < this.state.length && this.state[s] === sensor + 2;
  }

  /**
   * True when this segment was already seen by another sensor within windowUs (the sensor is
   * then marked on that entry); otherwise the segment is remembered and false returned. Creates
   * the slot's ring if it has none (a connection opened before multi-sensor mode began).
   */
  seenByOther(s: number, isOrig: boolean, flags: number, seq: number, ack: number, len: number, t: number, sensor: number, windowUs: number): boolean {
    this.ensure(s + 1);
    const st = this.state[s]!;
    if (st === sensor + 2) {
      this.remember(s, isOrig, flags, seq, ack, len, t, sensor);
      return false;
    }
    if (st === 0) this.key.fill(-1, s * RING, s * RING + RING), (this.pos[s] = 0);
    this.state[s] = 1; // seen by more than one sensor (or nobody's yet): search from now on
    const key = (isOrig ? 1 : 0) + flags * 2 + len * 1024;
    const bit = sensorBit(sensor) >>> 0;
    const end = s * RING + RING;
    for (let i = s * RING; i < end; i++) {
      if (this.key[i] !== key || this.seq[i] !== seq || this.ack[i] !== ack) continue;
      const mask = this.mask[i]!;
      if ((mask & bit) !== 0) continue; // this sensor saw it already: a real retransmission
      if (Math.abs(t - this.t[i]!) > windowUs) continue;
      this.mask[i] = (mask | bit) >>> 0;
      return true;
    }
    this.remember(s, isOrig, flags, seq, ack, len, t, sensor);
    return false;
  }

  /** Remembers a segment without looking for it (slot s solo for `sensor`, or no match found). */
  remember(s: number, isOrig: boolean, flags: number, seq: number, ack: number, len: number, t: number, sensor: number): void {
    const p = this.pos[s]!;
    const at = s * RING + p;
    this.key[at] = (isOrig ? 1 : 0) + flags * 2 + len * 1024;
    this.seq[at] = seq;
    this.ack[at] = ack;
    this.t[at] = t;
    this.mask[at] = sensorBit(sensor) >>> 0;
    this.pos[s] = p + 1 === RING ? 0 : p + 1;
  }

  /** Bytes held (for the memory bench). */
  get bytes(): number {
    return this.key.byteLength + this.seq.byteLength + this.ack.byteLength + this.t.byteLength + this.mask.byteLength + this.pos.byteLength + this.state.byteLength;
  }
}
