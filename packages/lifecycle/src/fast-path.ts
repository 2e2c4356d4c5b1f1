/**
 * The common packet in one pass: a segment with flags ACK, ACK+PSH, ACK+FIN or ACK+PSH+FIN that
 * arrives in order (its sequence number is both Zeek's last sequence and Wireshark's next sequence
 * of the sender), with a non-zero window, on a connection with one sensor where nobody sent a
 * RST, whose two sides are PARTIAL, ESTABLISHED or CLOSED (a FIN's sender PARTIAL or ESTABLISHED):
 * the data and ACKs of an established connection, its FINs and the ACKs of its close (80 % of
 * the packets of the bench capture, loopback HTTP). fastSynAck below takes the responder's first
 * SYN-ACK (another 9 %); SYNs, RSTs and anything unusual take the general path.
 *
 * For such a segment the general path (tracker.process → packet-step.applyPacket → ws-analysis,
 * history, gaps, state machine, sensor clock, reschedule) reduces to a few column updates; this
 * function does them in one pass, reading each column once, with the packet's time as one
 * offset from the connection's start. It first checks every condition and returns NOT_TAKEN,
 * having changed nothing, when any does not hold (a SYN/RST/URG/ECN flag, out of order,
 * retransmission, a duplicate-ACK or keep-alive-ACK shape, a window of 0 or a zero-window probe,
 * sequence or ACK wrap-around, a value outside its narrow column, an expired connection, ...):
 * the caller then runs the general path, whose result it reproduces exactly (fast-path.test.ts
 * replays captures and random conversations both ways and compares records and stats).
 */
import { TcpFlag, type TcpPacket } from '@tcplens/packet';
import { CB, EB, SideBit, TimeoutClass } from './conn.js';
import { EndpointState as S, seqDelta } from './endpoint.js';
import { ackReceived, dataSent } from './gaps.js';
import { appendHistory, HIST_ACK, HIST_DATA, HIST_FIN, HIST_SYN, RESP_SHIFT } from './history.js';
import { clockPacket0 } from './sensors.js';
import { Col, I_WIDE, T_WIDE, type Store } from './store.js';
import type { TimeoutLists } from './timeouts.js';

const TWO_32 = 4294967296;
const TOO_LARGE_SEQ_DELTA = 1048576;
/**
 * Bits of a connection that send every packet to the general path. A connection with multi-sensor
 * data (HAS_MULTI) may still take the fast path when the tracker checked that only its first
 * sensor has delivered packets so far (tracker.ts soloRing): the caller then passes SOLO_SLOW_BITS
 * and records the segment in the connection's dedup ring itself.
 */
export const SLOW_BITS = CB.FLIP_PENDING | CB.HAS_MULTI;
export const SOLO_SLOW_BITS = CB.FLIP_PENDING;
/** Sender and receiver states whose data/ACK segment runs no state function (state-machine.ts). */
const QUIET_STATES = (1 << S.PARTIAL) | (1 << S.ESTABLISHED) | (1 << S.CLOSED);
/** Senders whose FIN only closes them. */
const OPEN_STATES = (1 << S.PARTIAL) | (1 << S.ESTABLISHED);
/** fastSegment results. */
export const NOT_TAKEN = 0;
export const TAKEN = 1;
/** Taken, and the FIN completed the close: the connection now lingers. */
export const TAKEN_LINGER = 2;
const D_ = 0x44;
const A_ = 0x41;
const F_ = 0x46;
const H_ = 0x48;
const LOWER = 0x20;

/**
 * Whether the tracker tries the fast path (tests turn it off to compare with the general path),
 * and how many segments took it (a double in a typed array: counting never allocates).
 */
export const fastPath = { enabled: true, taken: new Float64Array(1) };

/**
 * Applies a segment whose flags are ACK plus at most PSH and FIN (the caller checked them, and
 * that only one sensor is in use) to slot s when it is the common case: TAKEN (TAKEN_LINGER when
 * its FIN completed the close), or NOT_TAKEN with nothing changed.
 */
export function fastSegment(
  st: Store, tl: TimeoutLists, s: number, isOrig: boolean, p: TcpPacket, now: Float64Array, slowBits = SLOW_BITS,
): number {
  // The time comes in a typed array and the fields from the packet: a µs time (~1.7e15) passed
  // as an argument would be boxed into a new heap number on every call.
  const t = now[0]!;
  const flags = p.flags;
  const window = p.window;
  const fin = (flags & TcpFlag.FIN) !== 0;
  const bits = st.bits[s]!;
  // No RST seen (a first FIN is fine), one sensor, no pending flip, a non-zero window.
  const sides = st.sides[s]!;
  if ((bits & slowBits) !== 0 || (sides & ~3) !== 0 || window === 0) return NOT_TAKEN;
  // The expiry list stays the same: ACTIVE, or the linger list the connection is already on.
  const cls = (st.phaseCls[s]! >> 4) - 1;
  const lingering = (bits & CB.LINGER) !== 0;
  if (lingering) {
    if (cls !== ((bits & CB.LINGER_RESET) !== 0 ? TimeoutClass.LINGER_RESET : TimeoutClass.LINGER_CLOSE)) return NOT_TAKEN;
  } else if (cls !== TimeoutClass.ACTIVE) return NOT_TAKEN;
  const ep = isOrig ? 2 * s : 2 * s + 1;
  const peer = ep ^ 1;
  // Both sides PARTIAL, ESTABLISHED or CLOSED (state byte: state | previous state << 4).
  // A FIN's sender is PARTIAL or ESTABLISHED: its state function only closes it.
  const es = st.st[ep]! & 15;
  if (((1 << es) & (fin ? OPEN_STATES : QUIET_STATES)) === 0 || ((1 << (st.st[peer]! & 15)) & QUIET_STATES) === 0) {
    return NOT_TAKEN;
  }
  const startUs = st.startUs[s]!;
  // Expiry (TimeoutLists.deadline for the ACTIVE class), as the general path computes it.
  const since = st.clsSince[s]!;
  if (since >= T_WIDE || startUs + since + tl.durationOf(cls) <= t) return NOT_TAKEN;
  const d = t - startUs;
  if (!(d >= 0 && d < T_WIDE && t >= 0)) return NOT_TAKEN;
  const last = st.lastUs[s]!;
  if (last >= T_WIDE) return NOT_TAKEN;

  // Wireshark (ws-analysis.ts): in order, not a zero-window probe, not a duplicate-ACK or
  // keep-alive-ACK candidate (a FIN is never one).
  const fb = st.eb[ep]!;
  const seq = p.seq;
  if ((fb & EB.WS_NEXT_SET) === 0 || seq !== st.wsNextSeq[ep] || (fin && (fb & EB.FIN) !== 0)) return NOT_TAKEN;
  const len = p.payloadLen;
  const ack = p.ack;
  if (len === 1 && (st.eb[peer]! & EB.WS_WIN_SET) !== 0 && st.wsWindow[peer] === 0) return NOT_TAKEN;
  const lastAck = st.wsLastAck[ep]!;
  if (!fin && len === 0 && ack === lastAck && (fb & EB.WS_WIN_SET) !== 0 && window === st.wsWindow[ep]) return NOT_TAKEN;

  // Zeek: the segment starts at the last sequence, no wrap-around of either side's numbers.
  if (seq !== st.lastSeq[ep] || st.seqWraps[ep] !== 0) return NOT_TAKEN;
  const relSeq = (seq - st.startSeq[ep]!) | 0;
  const segLen = fin ? len + 1 : len; // the FIN takes one sequence number
  const past = (seq + segLen) >>> 0;
  if (relSeq < 0 || past < seq) return NOT_TAKEN;
  if (st.ackWraps[peer] !== 0) return NOT_TAKEN;
  const ackSeqPeer = st.ackSeq[peer]!;
  const ackDelta = (ack - ackSeqPeer) | 0;
  if (ackDelta > 0 && ack < ackSeqPeer) return NOT_TAKEN;
  const relAck = (ack - st.startSeq[peer]!) | 0;
  if (relAck < 0) return NOT_TAKEN;
  const ipb = st.ipBytes[ep]! + p.ipLen;
  if (ipb >= 0xffffffff) return NOT_TAKEN;

  // --- From here on the segment is applied. ---
  st.pkts[ep]!++;
  st.ipBytes[ep] = ipb;
  st.eflags[ep]! |= flags;
  if (t > startUs + last) st.lastUs[s] = d;

  // Wireshark: the next sequence advances by the payload; the window and ACK are remembered.
  if (ack !== lastAck) st.wsDupAckNum[ep] = 0;
  if (segLen > 0) {
    st.wsNextSeq[ep] = past;
    st.wsNextSeqUs[ep] = d;
  }
  st.eb[ep] = (fb & ~(EB.WS_KEEP_ALIVE | EB.WS_ZW_PROBE)) | EB.WS_WIN_SET;
  st.wsWindow[ep] = window;
  st.wsLastAck[ep] = ack;
  st.wsLastAckUs[ep] = d;

  // Zeek: history (D or A once per direction; F once, again only at another position).
  const lower = isOrig ? 0 : LOWER;
  if (!fin) {
    const hm = (len > 0 ? HIST_DATA : HIST_ACK) << (isOrig ? 0 : RESP_SHIFT);
    const seen = st.histSeen[s]!;
    if ((seen & hm) === 0) {
      st.histSeen[s] = seen | hm;
      appendHistory(st, s, (len > 0 ? D_ : A_) | lower);
    }
  } else {
    const hm = HIST_FIN << (isOrig ? 0 : RESP_SHIFT);
    const seen = st.histSeen[s]!;
    if ((seen & hm) === 0) {
      st.histSeen[s] = seen | hm;
      appendHistory(st, s, F_ | lower);
    } else if (((relSeq + len) | 0) !== st.hLastFin[ep]) appendHistory(st, s, F_ | lower);
    st.hLastFin[ep] = relSeq + len;
  }
  // last_time (not once both sides closed); the first FIN's side and next sequence, this side's FIN.
  if ((st.eb[2 * s]! & st.eb[2 * s + 1]! & EB.DID_CLOSE) === 0) st.zeekLastUs[s] = d;
  if (fin) {
    const side = isOrig ? SideBit.ORIG : SideBit.RESP;
    if ((sides & 3) === SideBit.NONE) {
      st.sides[s] = sides | side;
      st.firstFinNext[s] = past;
    } else if (!(seqDelta(ack, st.firstFinNext[s]!) >= 0)) {
      // The second side's FIN: simultaneous unless it acknowledges the first FIN (its ACK bit is set).
      st.bits[s]! |= CB.SIMULTANEOUS;
    } else st.bits[s]! &= ~CB.SIMULTANEOUS;
    st.eb[ep]! |= EB.FIN;
    st.setI(st.finSeq, Col.FIN_SEQ, ep, relSeq + segLen);
  }
  if (ackDelta > 0 && !(ack === 0 && ackDelta > TOO_LARGE_SEQ_DELTA)) st.ackSeq[peer] = ack;
  if (segLen > 0) st.lastSeq[ep] = past;
  // Payload after the other side's FIN: half-close bytes (the segment advanced by len).
  const firstFinSide = sides & 3;
  if (len > 0 && firstFinSide !== SideBit.NONE && firstFinSide !== (isOrig ? SideBit.ORIG : SideBit.RESP)) {
    st.addM(Col.HALF_CLOSE, s, s, len);
  }
  if (isOrig && (bits & CB.HANDSHAKE_DONE) === 0 && (st.eflags[peer]! & TcpFlag.SYN) !== 0) {
    st.bits[s]! |= CB.HANDSHAKE_DONE;
  }
  // The state function of a PARTIAL/ESTABLISHED sender's FIN (state-machine.ts established()):
  // CLOSED; the peer is not RESET, so nothing else changes.
  if (fin) st.st[ep] = S.CLOSED | (es << 4);
  // Content gaps: the ACK (a no-op when it does not pass the peer's trim point), then the data.
  const trim = st.trim[peer]!;
  if (trim === I_WIDE || relAck > trim) ackReceived(st, s, peer, ep, !isOrig, relAck);
  if (len > 0) dataSent(st, ep, st.ackWraps[ep]! * TWO_32 + st.ackSeq[ep]! - st.startSeq[ep]!, relSeq, len);

  // The FIN closes this side (Zeek's do_close); the close is complete when the peer closed too.
  let lingerFrom = -1;
  if (fin && (st.eb[ep]! & EB.DID_CLOSE) === 0) {
    st.eb[ep]! |= EB.DID_CLOSE;
    // (Already lingering, on the list it is on: the earliest removal timer wins.)
    if ((st.eb[peer]! & EB.DID_CLOSE) !== 0 && !lingering) {
      st.bits[s]! |= CB.LINGER;
      lingerFrom = st.getT(st.zeekLastUs, Col.ZEEK_LAST, s, s);
    }
  }

  // The first sensor's clock: handshake ACK, first payload, first FIN of either side.
  if ((st.bits[s]! & CB.TIMING_DONE) === 0) clockPacket0(st, s, isOrig, flags, t);
  if (len > 0 && st.firstDataUs[ep] === 0xffffffff) st.firstDataUs[ep] = d;
  if (fin && (st.eb[ep]! & EB.FIN_CLOCKED) === 0) {
    st.eb[ep]! |= EB.FIN_CLOCKED;
    const first = st.getT(st.firstFinUs, Col.FIRST_FIN, s, s);
    if (first < 0 || t < first) st.setT(st.firstFinUs, Col.FIRST_FIN, s, s, t);
  }

  fastPath.taken[0]!++;
  if (lingerFrom >= 0) {
    tl.place(s, TimeoutClass.LINGER_CLOSE, lingerFrom); // the close linger starts
    return TAKEN_LINGER;
  }
  if (!lingering) {
    // Still ACTIVE: to the tail of its list, since now.
    tl.touchActive(s);
    st.clsSince[s] = d;
  } else if ((bits & CB.EARLY_EMITTED) !== 0) st.bits[s]! |= CB.CHANGED_AFTER_EARLY;
  return TAKEN;
}

/**
 * The responder's first SYN-ACK (flags exactly SYN+ACK, no payload, a non-zero window) answering
 * the originator's SYN (originator SYN_SENT, responder INACTIVE, the connection on the ATTEMPT
 * list, not expired), acknowledging a sequence number within the SYN (no bad_SYN_ack), one
 * sensor: both sides become ESTABLISHED and the connection moves to the ACTIVE list, as the
 * general path would do (state-machine.ts inactive()). TAKEN, or NOT_TAKEN with nothing changed.
 */
export function fastSynAck(st: Store, tl: TimeoutLists, s: number, p: TcpPacket, now: Float64Array, slowBits = SLOW_BITS): number {
  const t = now[0]!;
  const window = p.window;
  const bits = st.bits[s]!;
  if ((bits & (slowBits | CB.LINGER)) !== 0 || st.sides[s] !== 0 || window === 0 || p.payloadLen !== 0) return NOT_TAKEN;
  const o = 2 * s;
  const r = o + 1;
  const os = st.st[o]! & 15;
  if (os !== S.SYN_SENT || (st.st[r]! & 15) !== S.INACTIVE) return NOT_TAKEN;
  const cls = (st.phaseCls[s]! >> 4) - 1;
  if (cls !== TimeoutClass.ATTEMPT) return NOT_TAKEN;
  const startUs = st.startUs[s]!;
  const since = st.clsSince[s]!;
  if (since >= T_WIDE || startUs + since + tl.durationOf(cls) <= t) return NOT_TAKEN;
  const d = t - startUs;
  if (!(d >= 0 && d < T_WIDE && t >= 0)) return NOT_TAKEN;
  const last = st.lastUs[s]!;
  if (last >= T_WIDE) return NOT_TAKEN;
  const fb = st.eb[r]!;
  if ((fb & EB.WS_NEXT_SET) !== 0 || st.seqWraps[r] !== 0 || st.ackWraps[o] !== 0) return NOT_TAKEN;
  // The ACK: no wrap-around, no underflow, within the originator's SYN (else bad_SYN_ack).
  const ack = p.ack;
  const ackSeqO = st.ackSeq[o]!;
  const ackDelta = (ack - ackSeqO) | 0;
  if (ackDelta > 0 && ack < ackSeqO) return NOT_TAKEN;
  const relAck = (ack - st.startSeq[o]!) | 0;
  if (relAck < 0 || seqDelta(ack, st.lastSeq[o]!) > 0) return NOT_TAKEN;
  const ipb = st.ipBytes[r]! + p.ipLen;
  if (ipb >= 0xffffffff) return NOT_TAKEN;

  // --- Applied. ---
  const flags = p.flags;
  const seq = p.seq;
  const past = (seq + 1) >>> 0;
  st.pkts[r]!++;
  st.ipBytes[r] = ipb;
  st.eflags[r]! |= flags;
  if (t > startUs + last) st.lastUs[s] = d;
  // Wireshark: the responder's first segment sets its next sequence (the SYN takes one).
  if (ack !== st.wsLastAck[r]) st.wsDupAckNum[r] = 0;
  st.wsNextSeq[r] = past;
  st.wsNextSeqUs[r] = d;
  st.eb[r] = (fb & ~(EB.WS_KEEP_ALIVE | EB.WS_ZW_PROBE)) | EB.WS_WIN_SET | EB.WS_NEXT_SET;
  st.wsWindow[r] = window;
  st.wsLastAck[r] = ack;
  st.wsLastAckUs[r] = d;
  // Zeek: the responder's sequence space starts here (relative sequence 0); history h.
  st.startSeq[r] = seq;
  st.ackSeq[r] = seq;
  st.lastSeq[r] = past;
  const hm = HIST_SYN << RESP_SHIFT;
  const seen = st.histSeen[s]!;
  if ((seen & hm) === 0) {
    st.histSeen[s] = seen | hm;
    appendHistory(st, s, H_ | LOWER);
  } else if (st.hLastSyn[r] !== 0) appendHistory(st, s, H_ | LOWER);
  st.hLastSyn[r] = 0;
  if ((st.eb[o]! & st.eb[r]! & EB.DID_CLOSE) === 0) st.zeekLastUs[s] = d;
  if (ackDelta > 0 && !(ack === 0 && ackDelta > TOO_LARGE_SEQ_DELTA)) st.ackSeq[o] = ack;
  // The state function of an INACTIVE responder's SYN-ACK: the SYN_SENT originator and the
  // responder become ESTABLISHED.
  st.st[o] = S.ESTABLISHED | (os << 4);
  st.st[r] = S.ESTABLISHED;
  const trim = st.trim[o]!;
  if (trim === I_WIDE || relAck > trim) ackReceived(st, s, o, r, true, relAck);
  // The first sensor's clock (SYN-ACK time), then the ACTIVE list since now.
  clockPacket0(st, s, false, flags, t);
  tl.place(s, TimeoutClass.ACTIVE, t);
  fastPath.taken[0]!++;
  return TAKEN;
}

