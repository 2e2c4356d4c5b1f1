/** Builds the ConnectionRecord of a finished connection (once per connection, not per packet). */
import type { Conn } from './conn.js';
import { SideBit, type SideBitValue } from './conn.js';
import { connState } from './conn-state.js';
import { addrText } from './addr-text.js';
import { communityId, connectionUid } from './ids.js';
import { RST_PHASES, type CloseKind, type ConnectionRecord, type Side, type TeardownClass } from './record.js';

/** Why the record is emitted: a timeout/linger expired, the input ended, or a new SYN reused the tuple. */
export type EmitReason = 'expired' | 'flush' | 'reused';

const SIDE_NAMES: readonly Side[] = ['', 'orig', 'resp', 'both'];

function side(s: SideBitValue | number): Side {
  return SIDE_NAMES[s & 3] ?? '';
}

/**
 * close_kind: 'rst' when a RST came before both sides had sent a FIN; 'fin_both' / 'fin_one' by
 * FINs; otherwise 'open' at end of input and 'timeout' when it expired or was superseded.
 */
export function closeKind(c: Conn, reason: EmitReason): CloseKind {
  const finO = c.orig.finCnt > 0;
  const finR = c.resp.finCnt > 0;
  let k: CloseKind;
  if (c.firstRstSide !== SideBit.NONE && !c.bothFinAtRst) k = 'rst';
  else if (finO && finR) k = 'fin_both';
  else if (finO || finR) k = 'fin_one';
  else k = reason === 'flush' ? 'open' : 'timeout';
  return k;
}

/** Teardown class (record.ts TEARDOWN_CLASSES), first match. */
export function teardownClass(c: Conn): TeardownClass {
  const finO = c.orig.finCnt > 0;
  const finR = c.resp.finCnt > 0;
  if (c.firstRstSide !== SideBit.NONE && !c.bothFinAtRst) {
    if (c.anyFinAtRst) return 'rst_after_fin';
    return (c.finRstSides & c.firstRstSide) !== 0 ? 'fin_rst' : 'rst';
  }
  if (finO && finR) {
    if (c.simultaneousClose) return 'simultaneous';
    return c.halfCloseBytes > 0 ? 'half_close' : 'four_way';
  }
  if (finO || finR) return c.halfCloseBytes > 0 ? 'half_close' : 'fin_one';
  return '';
}

function us(v: number): number | null {
  return v >= 0 ? v : null;
}

/** Per-sensor timings, the first sensor first, parallel arrays. */
function sensorColumns(c: Conn, names: readonly string[]) {
  const sensors = [names[c.sensor0] ?? ''];
  const s2s: (number | null)[] = [us(c.synToSynAckUs)];
  const s2a: (number | null)[] = [c.synAckUs >= 0 && c.handshakeAckUs >= 0 ? c.handshakeAckUs - c.synAckUs : null];
  const hs: (number | null)[] = [c.handshakeAckUs >= 0 && c.lastSynUs >= 0 ? c.handshakeAckUs - c.lastSynUs : null];
  const others = c.otherClocks === null ? [] : [...c.otherClocks].sort((a, b) => a.sensor - b.sensor);
  for (const h of others) {
    sensors.push(names[h.sensor] ?? '');
    s2s.push(us(h.synToSynAckUs));
    s2a.push(h.synAckUs >= 0 && h.handshakeAckUs >= 0 ? h.handshakeAckUs - h.synAckUs : null);
    hs.push(h.handshakeAckUs >= 0 && h.lastSynUs >= 0 ? h.handshakeAckUs - h.lastSynUs : null);
  }
  return { sensors, s2s, s2a, hs };
}

export function buildRecord(c: Conn, words: Int32Array, sensorNames: readonly string[], reason: EmitReason): ConnectionRecord {
  const sc = sensorColumns(c, sensorNames);
  const o = c.orig;
  const r = c.resp;
  const firstFinUs = o.firstFinUs < 0 ? r.firstFinUs : r.firstFinUs < 0 ? o.firstFinUs : Math.min(o.firstFinUs, r.firstFinUs);
  const v4 = c.ipVersion === 4;
  const at = c.slot * 8;
  const durUs = c.zeekLastUs - c.startUs;
  const known = durUs > 0; // Zeek sets duration and byte counts only when duration > 0
  const origSize = c.orig.size(c.resp);
  const respSize = c.resp.size(c.orig);
  return {
    uid: connectionUid(words, at, c.origPort, at + 4, c.respPort, c.firstSeq, c.startUs),
    community_id: communityId(words, at, c.origPort, at + 4, c.respPort, v4),
    ts: c.startUs,
    last_ts: c.lastUs,
    orig_h: addrText(words, at, v4),
    orig_p: c.origPort,
    resp_h: addrText(words, at + 4, v4),
    resp_p: c.respPort,
    ip_version: c.ipVersion,
    duration: known ? durUs / 1e6 : null,
    orig_bytes: known ? origSize : null,
    resp_bytes: known ? respSize : null,
    conn_state: connState(c.orig.state, c.resp.state, origSize, respSize, c.history),
    history: c.history,
    missed_bytes: o.missed + r.missed,
    orig_pkts: c.orig.pkts,
    orig_ip_bytes: c.orig.ipBytes,
    resp_pkts: c.resp.pkts,
    resp_ip_bytes: c.resp.ipBytes,
    syn_to_synack_us: sc.s2s[0] ?? null,
    synack_to_ack_us: sc.s2a[0] ?? null,
    handshake_us: sc.hs[0] ?? null,
    close_kind: closeKind(c, reason),
    closed_first: c.firstFinSide !== SideBit.NONE
      ? (c.simultaneousClose ? 'both' : side(c.firstFinSide))
      : side(c.firstRstSide),
    rst_by: side(c.rstSides),
    rst_phase: RST_PHASES[c.rstPhase] ?? '',
    orig_flags: c.orig.flags,
    resp_flags: c.resp.flags,
    sensor_id: sc.sensors[0] ?? '',
    teardown: teardownClass(c),
    rst_ack: c.firstRstSide === SideBit.NONE ? null : c.firstRstAck,
    fin_rst_by: side(c.finRstSides),
    half_close_bytes: c.halfCloseBytes,
    teardown_us: firstFinUs >= 0 ? c.lastUs0 - firstFinUs : null,
    orig_first_data_us: o.firstDataUs >= 0 ? o.firstDataUs - c.startUs : null,
    resp_first_data_us: r.firstDataUs >= 0 ? r.firstDataUs - c.startUs : null,
    orig_retrans: o.wsRetrans,
    resp_retrans: r.wsRetrans,
    orig_out_of_order: o.wsOoo,
    resp_out_of_order: r.wsOoo,
    orig_dup_acks: o.wsDupAcks,
    resp_dup_acks: r.wsDupAcks,
    orig_zero_windows: o.wsZeroWin,
    resp_zero_windows: r.wsZeroWin,
    orig_keep_alives: o.wsKeepAlive,
    resp_keep_alives: r.wsKeepAlive,
    orig_lost_segments: o.wsLost,
    resp_lost_segments: r.wsLost,
    sensors: sc.sensors,
    sensor_syn_to_synack_us: sc.s2s,
    sensor_synack_to_ack_us: sc.s2a,
    sensor_handshake_us: sc.hs,
  };
}
