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

/** Multi-sensor data of one connection (store.multi), created when a second sensor shows up. */
export class MultiSide {
  /** Handshake clocks of the other sensors. */
  clocks: SensorClock[] | null = null;
  /** Recent segments for cross-sensor duplicate detection. */
  ring: DedupRing | null = null;
  /** Last packet time on the first sensor's clock; -1 while it equals the connection's lastUs. */
  lastUs0 = -1;
  constructor(readonly sensor0: number) {}
}

export function sensorBit(sensor: number): number {
  return sensor >= 31 ? 1 << 31 : 1 << sensor;
}

const RING = 16;
const W = 5; // key, seq, ack, t, sensor mask

/** The last RING segments of a connection, for cross-sensor duplicate detection. */
export class DedupRing {
  private readonly e = new Float64Array(RING * W).fill(-1);
  private pos = 0;

  /**
   * True when this segment was already seen by another sensor within windowUs (the sensor is
   * then marked on that entry); otherwise the segment is remembered and false returned.
   */
  seenByOther(isOrig: boolean, flags: number, seq: number, ack: number, len: number, t: number, sensor: number, windowUs: number): boolean {
    const key = (isOrig ? 1 : 0) + flags * 2 + len * 1024;
    const bit = sensorBit(sensor) >>> 0;
    const e = this.e;
    for (let i = 0; i < RING * W; i += W) {
      if (e[i] !== key || e[i + 1] !== seq || e[i + 2] !== ack) continue;
      const mask = (e[i + 4] ?? 0) >>> 0;
      if ((mask & bit) !== 0) continue; // this sensor saw it already: a real retransmission
      if (Math.abs(t - (e[i + 3] ?? 0)) > windowUs) continue;
      e[i + 4] = (mask | bit) >>> 0;
      return true;
    }
    this.remember(isOrig, flags, seq, ack, len, t, sensor);
    return false;
  }

  /**
   * Remembers a segment without looking for it: what seenByOther does when it finds no match.
   * Only for a segment that cannot match, i.e. every entry is from this same sensor.
   */
  remember(isOrig: boolean, flags: number, seq: number, ack: number, len: number, t: number, sensor: number): void {
    const key = (isOrig ? 1 : 0) + flags * 2 + len * 1024;
    const e = this.e;
    const at = this.pos * W;
    e[at] = key;
    e[at + 1] = seq;
    e[at + 2] = ack;
    e[at + 3] = t;
    e[at + 4] = sensorBit(sensor) >>> 0;
    this.pos = (this.pos + 1) % RING;
  }
}
