/** Builds the ConnectionRecord of a finished connection (once per connection, not per packet). */
import type { Conn } from './conn.js';
import { SideBit, type SideBitValue } from './conn.js';
import { connState } from './conn-state.js';
import { addrText } from './addr-text.js';
import { communityId, connectionUid } from './ids.js';
import { RST_PHASES, type CloseKind, type ConnectionRecord, type Side } from './record.js';

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

export function buildRecord(c: Conn, words: Int32Array, sensorId: string, reason: EmitReason): ConnectionRecord {
  const v4 = c.ipVersion === 4;
  const at = c.slot * 8;
  const durUs = c.zeekLastUs - c.startUs;
  const known = durUs > 0; // Zeek sets duration and byte counts only when duration > 0
  const origSize = c.orig.size(c.resp);
  const respSize = c.resp.size(c.orig);
  const synAck = c.synAckUs >= 0;
  const acked = c.handshakeAckUs >= 0;
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
    missed_bytes: 0,
    orig_pkts: c.orig.pkts,
    orig_ip_bytes: c.orig.ipBytes,
    resp_pkts: c.resp.pkts,
    resp_ip_bytes: c.resp.ipBytes,
    syn_to_synack_us: c.synToSynAckUs >= 0 ? c.synToSynAckUs : null,
    synack_to_ack_us: synAck && acked ? c.handshakeAckUs - c.synAckUs : null,
    handshake_us: acked && c.lastSynUs >= 0 ? c.handshakeAckUs - c.lastSynUs : null,
    close_kind: closeKind(c, reason),
    closed_first: c.firstFinSide !== SideBit.NONE
      ? (c.simultaneousClose ? 'both' : side(c.firstFinSide))
      : side(c.firstRstSide),
    rst_by: side(c.rstSides),
    rst_phase: RST_PHASES[c.rstPhase] ?? '',
    orig_flags: c.orig.flags,
    resp_flags: c.resp.flags,
    sensor_id: sensorId,
  };
}
