/** Builds the ConnectionRecord of a finished connection (once per connection, not per packet). */
import { CB, EB, SideBit, type SideBitValue } from './conn.js';
import { connState } from './conn-state.js';
import { addrText } from './addr-text.js';
import { epSize, epState } from './endpoint.js';
import { historyText } from './history.js';
import { communityId, connectionUid } from './ids.js';
import type { SensorClock } from './sensors.js';
import { Col, type Store } from './store.js';
import { RST_PHASES, type CloseKind, type ConnectionRecord, type Side, type TeardownClass } from './record.js';

/** Why the record is emitted: a timeout/linger expired, the input ended, or a new SYN reused the tuple. */
export type EmitReason = 'expired' | 'flush' | 'reused';

const SIDE_NAMES: readonly Side[] = ['', 'orig', 'resp', 'both'];

function side(s: SideBitValue | number): Side {
  return SIDE_NAMES[s & 3] ?? '';
}

/** Facts of a finished connection the classifiers below need. */
export interface TeardownFacts {
  finO: boolean;
  finR: boolean;
  firstRstSide: number;
  bothFinAtRst: boolean;
  anyFinAtRst: boolean;
  finRstSides: number;
  simultaneous: boolean;
  halfCloseBytes: number;
}

/**
 * close_kind: 'rst' when a RST came before both sides had sent a FIN; 'fin_both' / 'fin_one' by
 * FINs; otherwise 'open' at end of input and 'timeout' when it expired or was superseded.
 */
export function closeKind(c: TeardownFacts, reason: EmitReason): CloseKind {
  if (c.firstRstSide !== SideBit.NONE && !c.bothFinAtRst) return 'rst';
  if (c.finO && c.finR) return 'fin_both';
  if (c.finO || c.finR) return 'fin_one';
  return reason === 'flush' ? 'open' : 'timeout';
}

/** Teardown class (record.ts TEARDOWN_CLASSES), first match. */
export function teardownClass(c: TeardownFacts): TeardownClass {
  if (c.firstRstSide !== SideBit.NONE && !c.bothFinAtRst) {
    if (c.anyFinAtRst) return 'rst_after_fin';
    return (c.finRstSides & c.firstRstSide) !== 0 ? 'fin_rst' : 'rst';
  }
  if (c.finO && c.finR) {
    if (c.simultaneous) return 'simultaneous';
    return c.halfCloseBytes > 0 ? 'half_close' : 'four_way';
  }
  if (c.finO || c.finR) return c.halfCloseBytes > 0 ? 'half_close' : 'fin_one';
  return '';
}

function us(v: number): number | null {
  return v >= 0 ? v : null;
}

function diff(a: number, b: number): number | null {
  return a >= 0 && b >= 0 ? a - b : null;
}

/** Per-sensor timings, the first sensor first, parallel arrays. */
interface SensorColumns {
  sensors: string[];
  s2s: (number | null)[];
  s2a: (number | null)[];
  hs: (number | null)[];
  /** The first sensor's last packet time when it differs from the connection's, else -1. */
  lastUs0: number;
}

function sensorColumns(st: Store, s: number, names: readonly string[]): SensorColumns {
  const m = (st.bits[s]! & CB.HAS_MULTI) !== 0 ? st.multi.get(s) : undefined;
  const synAck = st.getT(st.synAckUs, Col.SYN_ACK, s, s);
  const hsAck = st.getT(st.handshakeAckUs, Col.HS_ACK, s, s);
  const s2s0 = diff(synAck, st.getT(st.synAnsweredUs, Col.SYN_ANSWERED, s, s));
  const s2a0 = diff(hsAck, synAck);
  const hs0 = diff(hsAck, st.getT(st.lastSynUs, Col.LAST_SYN, s, s));
  if (m === undefined) return { sensors: [names[0] ?? ''], s2s: [s2s0], s2a: [s2a0], hs: [hs0], lastUs0: -1 };
  const sensors = [names[m.sensor0] ?? ''];
  const s2s = [s2s0];
  const s2a = [s2a0];
  const hs = [hs0];
  const others: SensorClock[] = m.clocks == null ? [] : [...m.clocks].sort((a, b) => a.sensor - b.sensor);
  for (const h of others) {
    sensors.push(names[h.sensor] ?? '');
    s2s.push(us(h.synToSynAckUs));
    s2a.push(h.synAckUs >= 0 && h.handshakeAckUs >= 0 ? h.handshakeAckUs - h.synAckUs : null);
    hs.push(h.handshakeAckUs >= 0 && h.lastSynUs >= 0 ? h.handshakeAckUs - h.lastSynUs : null);
  }
  return { sensors, s2s, s2a, hs, lastUs0: m.lastUs0 >= 0 ? m.lastUs0 : -1 };
}

/** TcpFlag bits seen from endpoint e, NS (bit 8) included. */
function flagsOf(st: Store, e: number): number {
  return st.eflags[e]! | ((st.eb[e]! & EB.FLAG_NS) !== 0 ? 0x100 : 0);
}

const words = new Int32Array(8);

export function buildRecord(st: Store, s: number, addresses: (s: number, out: Int32Array) => void, sensorNames: readonly string[], reason: EmitReason): ConnectionRecord {
  const sc = sensorColumns(st, s, sensorNames);
  const o = 2 * s;
  const r = o + 1;
  const bits = st.bits[s]!;
  const sides = st.sides[s]!;
  const startUs = st.startUs[s]!;
  const lastUs = st.getT(st.lastUs, Col.LAST, s, s);
  const lastUs0 = sc.lastUs0 >= 0 ? sc.lastUs0 : lastUs;
  const firstFinUs = st.getT(st.firstFinUs, Col.FIRST_FIN, s, s);
  const v4 = (bits & CB.IPV6) === 0;
  addresses(s, words);
  const ports = st.ports[s]!;
  const origPort = ports >>> 16;
  const respPort = ports & 0xffff;
  const durUs = st.getT(st.zeekLastUs, Col.ZEEK_LAST, s, s) - startUs;
  const known = durUs > 0; // Zeek sets duration and byte counts only when duration > 0
  const origSize = epSize(st, o, r);
  const respSize = epSize(st, r, o);
  const history = historyText(st, s);
  const f: TeardownFacts = {
    finO: (st.eb[o]! & EB.FIN) !== 0,
    finR: (st.eb[r]! & EB.FIN) !== 0,
    firstRstSide: (sides >> 2) & 3,
    bothFinAtRst: (bits & CB.BOTH_FIN_AT_RST) !== 0,
    anyFinAtRst: (bits & CB.ANY_FIN_AT_RST) !== 0,
    finRstSides: (sides >> 6) & 3,
    simultaneous: (bits & CB.SIMULTANEOUS) !== 0,
    halfCloseBytes: st.getM(Col.HALF_CLOSE, s),
  };
  const firstFinSide = sides & 3;
  const firstDataO = st.getT(st.firstDataUs, Col.FIRST_DATA, o, s);
  const firstDataR = st.getT(st.firstDataUs, Col.FIRST_DATA, r, s);
  return {
    uid: connectionUid(words, 0, origPort, 4, respPort, st.firstSeq[s]!, startUs),
    community_id: communityId(words, 0, origPort, 4, respPort, v4),
    ts: startUs,
    last_ts: lastUs,
    orig_h: addrText(words, 0, v4),
    orig_p: origPort,
    resp_h: addrText(words, 4, v4),
    resp_p: respPort,
    ip_version: v4 ? 4 : 6,
    duration: known ? durUs / 1e6 : null,
    orig_bytes: known ? origSize : null,
    resp_bytes: known ? respSize : null,
    conn_state: connState(epState(st, o), epState(st, r), origSize, respSize, history),
    history,
    missed_bytes: st.getM(Col.MISSED, o) + st.getM(Col.MISSED, r),
    orig_pkts: st.pkts[o]!,
    orig_ip_bytes: st.getU(st.ipBytes, Col.IP_BYTES, o),
    resp_pkts: st.pkts[r]!,
    resp_ip_bytes: st.getU(st.ipBytes, Col.IP_BYTES, r),
    syn_to_synack_us: sc.s2s[0] ?? null,
    synack_to_ack_us: sc.s2a[0] ?? null,
    handshake_us: sc.hs[0] ?? null,
    close_kind: closeKind(f, reason),
    closed_first: firstFinSide !== SideBit.NONE
      ? (f.simultaneous ? 'both' : side(firstFinSide))
      : side(f.firstRstSide),
    rst_by: side((sides >> 4) & 3),
    rst_phase: RST_PHASES[st.phaseCls[s]! & 15] ?? '',
    orig_flags: flagsOf(st, o),
    resp_flags: flagsOf(st, r),
    sensor_id: sc.sensors[0] ?? '',
    teardown: teardownClass(f),
    rst_ack: f.firstRstSide === SideBit.NONE ? null : (bits & CB.FIRST_RST_ACK) !== 0,
    fin_rst_by: side(f.finRstSides),
    half_close_bytes: f.halfCloseBytes,
    teardown_us: firstFinUs >= 0 ? lastUs0 - firstFinUs : null,
    orig_first_data_us: firstDataO >= 0 ? firstDataO - startUs : null,
    resp_first_data_us: firstDataR >= 0 ? firstDataR - startUs : null,
    orig_retrans: st.getC(st.wsRetrans, Col.WS_RETRANS, o),
    resp_retrans: st.getC(st.wsRetrans, Col.WS_RETRANS, r),
    orig_out_of_order: st.getC(st.wsOoo, Col.WS_OOO, o),
    resp_out_of_order: st.getC(st.wsOoo, Col.WS_OOO, r),
    orig_dup_acks: st.getC(st.wsDupAcks, Col.WS_DUP_ACKS, o),
    resp_dup_acks: st.getC(st.wsDupAcks, Col.WS_DUP_ACKS, r),
    orig_zero_windows: st.getC(st.wsZeroWin, Col.WS_ZERO_WIN, o),
    resp_zero_windows: st.getC(st.wsZeroWin, Col.WS_ZERO_WIN, r),
    orig_keep_alives: st.getC(st.wsKeepAlive, Col.WS_KEEP_ALIVE, o),
    resp_keep_alives: st.getC(st.wsKeepAlive, Col.WS_KEEP_ALIVE, r),
    orig_lost_segments: st.getC(st.wsLost, Col.WS_LOST, o),
    resp_lost_segments: st.getC(st.wsLost, Col.WS_LOST, r),
    sensors: sc.sensors,
    sensor_syn_to_synack_us: sc.s2s,
    sensor_synack_to_ack_us: sc.s2a,
    sensor_handshake_us: sc.hs,
  };
}
