/**
 * One packet applied to one connection: Zeek's TCPAnalyzer::DeliverPacket order — sequence
 * bookkeeping, history, ACK processing, state machine, content gaps, close — plus Wireshark's
 * per-direction analysis and tcplens' teardown facts. Timings are per sensor (sensors.ts).
 */
import { TcpFlag } from '@tcplens/packet';
import { CB, EB, RstPhaseIdx, SideBit } from './conn.js';
import {
  EndpointState as S, epPrevState, epState, initSeqs, relativeSeq, seqDelta, updateAckSeq,
  updateLastSeq as setLastSeq,
} from './endpoint.js';
import { ackReceived, dataSent } from './gaps.js';
import { didRetransmit, updateHistory, zeroWindow } from './history.js';
import { wsAnalyze } from './ws-analysis.js';
import { updateStateMachine, type PacketFacts } from './state-machine.js';
import { Col, Store } from './store.js';
import type { Weirds } from './weirds.js';

const TOO_LARGE_SEQ_DELTA = 1048576;

/** Zeek's init_endpoint: sequence bases from this endpoint's first packet or a new SYN. */
function initEndpoint(st: Store, ep: number, flags: number, seq: number, past: number, w: Weirds): void {
  const syn = (flags & TcpFlag.SYN) !== 0;
  switch (epState(st, ep)) {
    case S.INACTIVE:
      // Without a SYN, number as if one had come just before (keeps relative numbering).
      if (syn) initSeqs(st, ep, seq, seq, past);
      else initSeqs(st, ep, seq - 1, seq - 1, seq);
      break;
    case S.SYN_SENT:
    case S.SYN_ACK_SENT:
      if (syn && seq !== st.startSeq[ep]) {
        w.add('SYN_seq_jump');
        initSeqs(st, ep, seq, seq, past);
      }
      break;
    case S.ESTABLISHED:
    case S.PARTIAL:
      if (syn) {
        if (seq !== st.startSeq[ep]) w.add('SYN_seq_jump');
        initSeqs(st, ep, seq, seq, past);
      }
      break;
    case S.RESET:
      if (syn && epPrevState(st, ep) === S.INACTIVE) initSeqs(st, ep, seq, seq, past);
      break;
    case S.CLOSED:
      break;
  }
}

/** Zeek's update_last_seq; returns the signed advance of the segment end. */
function updateLastSeq(st: Store, s: number, ep: number, isOrig: boolean, past: number, flags: number, len: number): number {
  const last = st.lastSeq[ep]!;
  const delta = seqDelta(past, last);
  if ((flags & (TcpFlag.SYN | TcpFlag.RST)) !== 0 && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA)) {
    // not trusted
  } else if ((flags & TcpFlag.FIN) !== 0 && last === ((st.startSeq[ep]! + 1) >>> 0)) {
    setLastSeq(st, ep, past); // only SYN and FIN seen: trust the FIN even for > 2 GiB
  } else if (epState(st, ep) === S.RESET) {
    // no sequence number after a RST is trusted
  } else if (delta > 0) {
    setLastSeq(st, ep, past);
  } else if (len > 0) {
    didRetransmit(st, s, ep, isOrig);
  }
  return delta;
}

/** Scratch for the state machine's inputs: one object for the whole process. */
const facts: PacketFacts = {
  st: new Store(1), slot: 0, ep: 0, peer: 0, flags: 0, len: 0, baseSeq: 0, ackSeq: 0, deltaLast: 0, isOrig: true,
};

export interface StepConfig {
  readonly idleRstUs: number;
}

const TWO_32 = 4294967296;
const SFR = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;
const NO_CHANGE: { readonly doClose: boolean; readonly resetLinger: boolean } = { doClose: false, resetLinger: false };

/** Applies one packet to slot s; returns the linger start (µs) when a removal timer starts, else -1. */
export function applyPacket(
  st: Store, s: number, isOrig: boolean, t: number,
  flags: number, seq: number, ack: number, len: number, window: number, ipLen: number,
  cfg: StepConfig, w: Weirds,
): void {
  const ep = isOrig ? 2 * s : 2 * s + 1;
  const peer = isOrig ? 2 * s + 1 : 2 * s;
  const o = 2 * s;
  const r = o + 1;
  const side = isOrig ? SideBit.ORIG : SideBit.RESP;
  const syn = (flags & TcpFlag.SYN) !== 0;
  const fin = (flags & TcpFlag.FIN) !== 0;
  const rst = (flags & TcpFlag.RST) !== 0;
  const hasAck = (flags & TcpFlag.ACK) !== 0;
  st.pkts[ep]!++;
  st.addU(st.ipBytes, Col.IP_BYTES, ep, ipLen);
  st.eflags[ep]! |= flags;
  if ((flags & 0x100) !== 0) st.eb[ep]! |= EB.FLAG_NS;
  const prevUs = st.getT(st.lastUs, Col.LAST, s, s);
  if (t > prevUs) st.setT(st.lastUs, Col.LAST, s, s, t);

  // Wireshark's analysis sees every packet, before Zeek's bookkeeping changes anything.
  wsAnalyze(st, s, ep, peer, t, seq, ack, len, flags, window);

  let segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
  if (rst) segLen -= len; // payload of a RST is not part of the stream
  const past = (seq + segLen) >>> 0;
  initEndpoint(st, ep, flags, seq, past, w);
  const relSeq = relativeSeq(st, ep, seq, st.lastSeq[ep]!, st.seqWraps[ep]!);
  const underflow = relSeq < 0;
  if (underflow && !rst) w.add('TCP_seq_underflow_or_misorder');
  updateHistory(st, s, ep, isOrig, flags, relSeq, len);
  if (window === 0 && !rst && epState(st, peer) !== S.CLOSED && epState(st, ep) !== S.RESET) zeroWindow(st, s, ep, isOrig);
  const bothClosed = (st.eb[o]! & st.eb[r]! & EB.DID_CLOSE) !== 0;
  if (!bothClosed) st.setT(st.zeekLastUs, Col.ZEEK_LAST, s, s, t);

  let sides = st.sides[s]!;
  const finO = (st.eb[o]! & EB.FIN) !== 0;
  const finR = (st.eb[r]! & EB.FIN) !== 0;
  if (rst && (sides & 0xc) === 0) {
    sides |= side << 2;
    let bits = st.bits[s]!;
    if (hasAck) bits |= CB.FIRST_RST_ACK;
    if (finO && finR) bits |= CB.BOTH_FIN_AT_RST;
    if (finO || finR) bits |= CB.ANY_FIN_AT_RST;
    let phase: number;
    if ((bits & CB.HANDSHAKE_DONE) === 0) phase = RstPhaseIdx.HANDSHAKE;
    else if (t - prevUs >= cfg.idleRstUs) phase = RstPhaseIdx.AFTER_IDLE;
    else if (finO || finR) phase = RstPhaseIdx.AFTER_FIN;
    else phase = RstPhaseIdx.ESTABLISHED;
    st.bits[s] = bits;
    st.phaseCls[s] = (st.phaseCls[s]! & 0xf0) | phase;
  }
  if (rst) {
    sides |= side << 4;
    if (fin) sides |= side << 6;
  }
  if (fin) {
    const firstFinSide = sides & 3;
    if (firstFinSide === SideBit.NONE) {
      sides |= side;
      st.firstFinNext[s] = past;
    } else if (firstFinSide !== side && (st.eb[ep]! & EB.FIN) === 0) {
      // The second side's FIN: simultaneous unless it acknowledges the first FIN.
      if (!(hasAck && seqDelta(ack, st.firstFinNext[s]!) >= 0)) st.bits[s]! |= CB.SIMULTANEOUS;
      else st.bits[s]! &= ~CB.SIMULTANEOUS;
    }
    st.eb[ep]! |= EB.FIN;
    st.setI(st.finSeq, Col.FIN_SEQ, ep, relSeq + segLen);
  }
  st.sides[s] = sides;

  let relAck = 0;
  if (hasAck) {
    if (epState(st, peer) === S.INACTIVE) {
      const es = epState(st, ep);
      if (!syn && !fin && !rst && (es === S.SYN_SENT || es === S.SYN_ACK_SENT || es === S.ESTABLISHED)) {
        w.add('possible_split_routing');
      }
      relAck = 1;
      initSeqs(st, peer, ack - 1, ack - 1, ack - 1); // Zeek's init_peer
    } else {
      relAck = relativeSeq(st, peer, ack, st.ackSeq[peer]!, st.ackWraps[peer]!);
      if (relAck < 0) {
        relAck = 0;
        w.add('TCP_ack_underflow_or_misorder');
      } else if (!rst) {
        const d = seqDelta(ack, st.ackSeq[peer]!);
        if (!(ack === 0 && d > TOO_LARGE_SEQ_DELTA) && d > 0) updateAckSeq(st, peer, ack);
      }
    }
  }

  const deltaLast = updateLastSeq(st, s, ep, isOrig, past, flags, len);
  const firstFinSide = st.sides[s]! & 3;
  if (len > 0 && !rst && deltaLast > 0 && firstFinSide !== SideBit.NONE && firstFinSide !== side) {
    st.addM(Col.HALF_CLOSE, s, s, deltaLast < len ? deltaLast : len);
  }
  if (isOrig && (st.bits[s]! & CB.HANDSHAKE_DONE) === 0 &&
    (flags & (TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST)) === TcpFlag.ACK && (st.eflags[peer]! & TcpFlag.SYN) !== 0) {
    st.bits[s]! |= CB.HANDSHAKE_DONE;
  }
  // Without SYN, FIN or RST an ESTABLISHED, PARTIAL or CLOSED sender's state function changes
  // nothing and reports nothing (state-machine.ts): skip it for the common data/ACK segment.
  const es0 = epState(st, ep);
  let res = NO_CHANGE;
  if ((flags & SFR) !== 0 || (es0 !== S.ESTABLISHED && es0 !== S.PARTIAL && es0 !== S.CLOSED)) {
    facts.st = st;
    facts.slot = s;
    facts.ep = ep;
    facts.peer = peer;
    facts.flags = flags;
    facts.len = len;
    facts.baseSeq = seq;
    facts.ackSeq = ack;
    facts.isOrig = isOrig;
    facts.deltaLast = deltaLast;
    res = updateStateMachine(facts, w);
  }
  // Content gaps: the ACK is applied after the state machine, then this packet's data (Zeek's order).
  if (hasAck) ackReceived(st, s, peer, ep, !isOrig, relAck);
  if (len > 0 && !rst && !underflow) {
    const ackRel = st.ackWraps[ep]! * TWO_32 + st.ackSeq[ep]! - st.startSeq[ep]!;
    dataSent(st, ep, ackRel, syn ? relSeq + 1 : relSeq, len);
  }
  if (res.resetLinger) startLinger(st, s, t, true);
  if (res.doClose && (st.eb[ep]! & EB.DID_CLOSE) === 0) {
    st.eb[ep]! |= EB.DID_CLOSE;
    // Zeek's close_complete: this side reset, or both closed, or the peer never spoke.
    const es = epState(st, ep);
    const ps = epState(st, peer);
    if (es === S.RESET || (st.eb[peer]! & EB.DID_CLOSE) !== 0 || ps === S.INACTIVE) {
      startLinger(st, s, st.getT(st.zeekLastUs, Col.ZEEK_LAST, s, s), es === S.RESET || ps === S.RESET);
    }
  }
}

/** The linger start of the current packet's connection (valid when its LINGER bit is set). */
export const linger = { sinceUs: 0 };

function startLinger(st: Store, s: number, sinceUs: number, reset: boolean): void {
  if ((st.bits[s]! & CB.LINGER) !== 0) return; // the earliest removal timer wins, as with Zeek's timers
  st.bits[s]! |= reset ? CB.LINGER | CB.LINGER_RESET : CB.LINGER;
  linger.sinceUs = sinceUs;
}
