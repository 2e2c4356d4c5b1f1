/**
 * One packet applied to one connection: Zeek's TCPAnalyzer::DeliverPacket order — sequence
 * bookkeeping, history, ACK processing, state machine, content gaps, close — plus Wireshark's
 * per-direction analysis and tcplens' teardown facts. Timings are per sensor (sensors.ts).
 */
import { TcpFlag } from '@tcplens/packet';
import { Conn, RstPhaseIdx, SideBit } from './conn.js';
import { EndpointState as S, seqDelta, type Endpoint } from './endpoint.js';
import { ackReceived, dataSent } from './gaps.js';
import { didRetransmit, updateHistory, zeroWindow } from './history.js';
import { wsAnalyze } from './ws-analysis.js';
import { updateStateMachine, type PacketFacts } from './state-machine.js';
import type { Weirds } from './weirds.js';

const TOO_LARGE_SEQ_DELTA = 1048576;

/** Zeek's init_endpoint: sequence bases from this endpoint's first packet or a new SYN. */
function initEndpoint(ep: Endpoint, flags: number, seq: number, past: number, w: Weirds): void {
  const syn = (flags & TcpFlag.SYN) !== 0;
  switch (ep.state) {
    case S.INACTIVE:
      // Without a SYN, number as if one had come just before (keeps relative numbering).
      if (syn) ep.initSeqs(seq, seq, past);
      else ep.initSeqs(seq - 1, seq - 1, seq);
      break;
    case S.SYN_SENT:
    case S.SYN_ACK_SENT:
      if (syn && seq !== ep.startSeq) {
        w.add('SYN_seq_jump');
        ep.initSeqs(seq, seq, past);
      }
      break;
    case S.ESTABLISHED:
    case S.PARTIAL:
      if (syn) {
        if (seq !== ep.startSeq) w.add('SYN_seq_jump');
        ep.initSeqs(seq, seq, past);
      }
      break;
    case S.RESET:
      if (syn && ep.prevState === S.INACTIVE) ep.initSeqs(seq, seq, past);
      break;
    case S.CLOSED:
      break;
  }
}

/** Zeek's update_last_seq; returns the signed advance of the segment end. */
function updateLastSeq(c: Conn, ep: Endpoint, isOrig: boolean, past: number, flags: number, len: number): number {
  const delta = seqDelta(past, ep.lastSeq);
  if ((flags & (TcpFlag.SYN | TcpFlag.RST)) !== 0 && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA)) {
    // not trusted
  } else if ((flags & TcpFlag.FIN) !== 0 && ep.lastSeq === ((ep.startSeq + 1) >>> 0)) {
    ep.updateLastSeq(past); // only SYN and FIN seen: trust the FIN even for > 2 GiB
  } else if (ep.state === S.RESET) {
    // no sequence number after a RST is trusted
  } else if (delta > 0) {
    ep.updateLastSeq(past);
  } else if (len > 0) {
    didRetransmit(c, ep, isOrig);
  }
  return delta;
}

/** Scratch for the state machine's inputs: one object for the whole tracker. */
const facts: PacketFacts = { flags: 0, len: 0, baseSeq: 0, ackSeq: 0, deltaLast: 0, isOrig: true };

export interface StepConfig {
  readonly idleRstUs: number;
}

const TWO_32 = 4294967296;

export function applyPacket(
  c: Conn, isOrig: boolean, t: number,
  flags: number, seq: number, ack: number, len: number, window: number, ipLen: number,
  cfg: StepConfig, w: Weirds,
): void {
  const ep = isOrig ? c.orig : c.resp;
  const peer = isOrig ? c.resp : c.orig;
  const side = isOrig ? SideBit.ORIG : SideBit.RESP;
  const syn = (flags & TcpFlag.SYN) !== 0;
  const fin = (flags & TcpFlag.FIN) !== 0;
  const rst = (flags & TcpFlag.RST) !== 0;
  const hasAck = (flags & TcpFlag.ACK) !== 0;
  ep.pkts++;
  ep.ipBytes += ipLen;
  ep.flags |= flags;
  const prevUs = c.lastUs;
  if (t > c.lastUs) c.lastUs = t;

  // Wireshark's analysis sees every packet, before Zeek's bookkeeping changes anything.
  const rtt = c.timingDone && c.lastSynUs >= 0 ? c.handshakeAckUs - c.lastSynUs : 0;
  wsAnalyze(ep, peer, t, seq, ack, len, flags, window, rtt);

  let segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
  if (rst) segLen -= len; // payload of a RST is not part of the stream
  const past = (seq + segLen) >>> 0;
  initEndpoint(ep, flags, seq, past, w);
  const relSeq = ep.relativeSeq(seq, ep.lastSeq, ep.seqWraps);
  const underflow = relSeq < 0;
  if (underflow && !rst) w.add('TCP_seq_underflow_or_misorder');
  updateHistory(c, ep, isOrig, flags, relSeq, len);
  if (window === 0 && !rst && peer.state !== S.CLOSED && ep.state !== S.RESET) zeroWindow(c, ep, isOrig);
  if (!(c.orig.didClose && c.resp.didClose)) c.zeekLastUs = t;

  if (rst && c.firstRstSide === SideBit.NONE) {
    c.firstRstSide = side;
    c.firstRstAck = hasAck;
    c.bothFinAtRst = c.orig.finCnt > 0 && c.resp.finCnt > 0;
    c.anyFinAtRst = c.orig.finCnt > 0 || c.resp.finCnt > 0;
    if (!c.handshakeDone) c.rstPhase = RstPhaseIdx.HANDSHAKE;
    else if (t - prevUs >= cfg.idleRstUs) c.rstPhase = RstPhaseIdx.AFTER_IDLE;
    else if (c.orig.finCnt > 0 || c.resp.finCnt > 0) c.rstPhase = RstPhaseIdx.AFTER_FIN;
    else c.rstPhase = RstPhaseIdx.ESTABLISHED;
  }
  if (rst) {
    ep.rstCnt++;
    c.rstSides |= side;
    if (fin) c.finRstSides |= side;
  }
  if (fin) {
    if (c.firstFinSide === SideBit.NONE) {
      c.firstFinSide = side;
      c.firstFinNext = past;
    } else if (c.firstFinSide !== side && ep.finCnt === 0) {
      // The second side's FIN: simultaneous unless it acknowledges the first FIN.
      c.simultaneousClose = !(hasAck && seqDelta(ack, c.firstFinNext) >= 0);
    }
    ep.finCnt++;
    ep.finSeq = relSeq + segLen;
  }

  let relAck = 0;
  if (hasAck) {
    if (peer.state === S.INACTIVE) {
      if (!syn && !fin && !rst && (ep.state === S.SYN_SENT || ep.state === S.SYN_ACK_SENT || ep.state === S.ESTABLISHED)) {
        w.add('possible_split_routing');
      }
      relAck = 1;
      peer.initSeqs(ack - 1, ack - 1, ack - 1); // Zeek's init_peer
    } else {
      relAck = peer.relativeSeq(ack, peer.ackSeq, peer.ackWraps);
      if (relAck < 0) {
        relAck = 0;
        w.add('TCP_ack_underflow_or_misorder');
      } else if (!rst) {
        const d = seqDelta(ack, peer.ackSeq);
        if (!(ack === 0 && d > TOO_LARGE_SEQ_DELTA) && d > 0) peer.updateAckSeq(ack);
      }
    }
  }

  facts.flags = flags;
  facts.len = len;
  facts.baseSeq = seq;
  facts.ackSeq = ack;
  facts.isOrig = isOrig;
  const deltaLast = updateLastSeq(c, ep, isOrig, past, flags, len);
  facts.deltaLast = deltaLast;
  if (len > 0 && !rst && deltaLast > 0 && c.firstFinSide !== SideBit.NONE && c.firstFinSide !== side) {
    c.halfCloseBytes += deltaLast < len ? deltaLast : len;
  }
  if (isOrig && !c.handshakeDone && (flags & (TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST)) === TcpFlag.ACK &&
    (peer.flags & TcpFlag.SYN) !== 0) {
    c.handshakeDone = true;
  }
  const r = updateStateMachine(c, ep, peer, facts, w);
  // Content gaps: the ACK is applied after the state machine, then this packet's data (Zeek's order).
  if (hasAck) ackReceived(c, peer, ep, !isOrig, relAck);
  if (len > 0 && !rst && !underflow) {
    const ackRel = ep.ackWraps * TWO_32 + ep.ackSeq - ep.startSeq;
    dataSent(ep, ackRel, syn ? relSeq + 1 : relSeq, len);
  }
  if (r.resetLinger) startLinger(c, t, true);
  if (r.doClose && !ep.didClose) {
    ep.didClose = true;
    // Zeek's close_complete: this side reset, or both closed, or the peer never spoke.
    if (ep.state === S.RESET || peer.didClose || peer.state === S.INACTIVE) {
      startLinger(c, c.zeekLastUs, ep.state === S.RESET || peer.state === S.RESET);
    }
  }
}

function startLinger(c: Conn, sinceUs: number, reset: boolean): void {
  if (c.lingerSinceUs >= 0) return; // the earliest removal timer wins, as with Zeek's timers
  c.lingerSinceUs = sinceUs;
  c.lingerReset = reset;
}
