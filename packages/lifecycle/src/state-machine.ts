/**
 * The per-endpoint TCP state machine, after Zeek's TCPSessionAdapter::UpdateStateMachine: one
 * function per state of the endpoint that sent the packet. Each returns whether the packet
 * closes that endpoint (FIN or RST: Zeek's do_close).
 *
 *   sender state         SYN                       FIN               RST
 *   INACTIVE             SYN_SENT (orig) /          CLOSED            RESET
 *                        ESTABLISHED (resp SYN-ACK,
 *                        peer SYN_SENT → ESTABLISHED;
 *                        resp SYN after an orig SYN-ACK
 *                        with its ISN: roles flip, '^')
 *                        no flag: PARTIAL (or ESTABLISHED: ACK after a SYN-ACK whose SYN we missed)
 *   SYN_SENT/SYN_ACK     (retransmission)          CLOSED            RESET
 *   ESTABLISHED/PARTIAL  PARTIAL→SYN_SENT if peer   CLOSED (a peer    RESET
 *                        INACTIVE                   FIN+RST → CLOSED)
 *   CLOSED               weird                     weird if advanced RESET unless the peer is CLOSED
 *   RESET                weird                     weird             -
 */
import { TcpFlag } from '@tcplens/packet';
import { CB, EB } from './conn.js';
import { EndpointState as S, epPrevState, epState, seqDelta, setState, type EndpointStateValue } from './endpoint.js';
import { appendHistory } from './history.js';
import type { Store } from './store.js';
import type { Weirds } from './weirds.js';

/** The sender (ep) and receiver (peer) of the packet, in the store, and their slot. */
export interface PacketFacts {
  st: Store;
  slot: number;
  ep: number;
  peer: number;
  flags: number;
  len: number;
  baseSeq: number;
  ackSeq: number;
  deltaLast: number;
  isOrig: boolean;
}

function inactive(f: PacketFacts, w: Weirds): boolean {
  const { st, ep, peer } = f;
  const syn = (f.flags & TcpFlag.SYN) !== 0;
  const ack = (f.flags & TcpFlag.ACK) !== 0;
  let doClose = false;
  if (syn) {
    if (f.isOrig) {
      if (ack) {
        w.add('connection_originator_SYN_ack');
        setState(st, ep, S.SYN_ACK_SENT);
      } else setState(st, ep, S.SYN_SENT);
    } else {
      if (ack) {
        if (
          epState(st, peer) !== S.INACTIVE &&
          epState(st, peer) !== S.PARTIAL &&
          !(seqDelta(f.ackSeq, st.startSeq[peer] ?? 0) >= 0 && seqDelta(f.ackSeq, (st.lastSeq[peer] ?? 0)) <= 0)
        ) {
          w.add('bad_SYN_ack');
        }
      } else if (epState(st, peer) === S.SYN_ACK_SENT && f.baseSeq === st.startSeq[ep]) {
        // SYN and SYN-ACK captured in reverse order (Zeek: "SYN/SYN-ACK reversal"): flip the
        // roles and establish. Zeek appends '^' here, after this SYN's letter.
        st.bits[f.slot]! |= CB.FLIP_PENDING;
        appendHistory(st, f.slot, 0x5e);
        setState(st, peer, S.ESTABLISHED);
      } else w.add('simultaneous_open');
      if (epState(st, peer) === S.SYN_SENT) setState(st, peer, S.ESTABLISHED);
      else if (epState(st, peer) === S.INACTIVE) w.add('unsolicited_SYN_response');
      setState(st, ep, S.ESTABLISHED);
    }
  }
  if ((f.flags & TcpFlag.FIN) !== 0) {
    setState(st, ep, S.CLOSED);
    doClose = true;
    if (epState(st, peer) !== S.PARTIAL && !syn) w.add('spontaneous_FIN');
  }
  if ((f.flags & TcpFlag.RST) !== 0) {
    setState(st, ep, S.RESET);
    doClose = true;
    const reject = f.isOrig
      ? epState(st, peer) === S.ESTABLISHED
      : epState(st, peer) === S.SYN_SENT || epState(st, peer) === S.SYN_ACK_SENT;
    if (!reject && epState(st, peer) === S.INACTIVE) w.add('spontaneous_RST');
  }
  if (epState(st, ep) === S.INACTIVE) {
    // No control flag changed the state.
    if (!f.isOrig && f.len === 0 && epState(st, f.slot * 2) === S.SYN_SENT) {
      // Some stacks ACK a SYN before answering it: not a partial connection.
    } else if (ack && epState(st, peer) === S.ESTABLISHED) {
      setState(st, ep, S.ESTABLISHED); // we missed the SYN but saw the SYN-ACK; this is its ACK
    } else {
      setState(st, ep, S.PARTIAL);
    }
  }
  return doClose;
}

function synSent(f: PacketFacts, w: Weirds): boolean {
  const { st, ep, peer } = f;
  let doClose = false;
  if ((f.flags & TcpFlag.SYN) !== 0) {
    const ack = (f.flags & TcpFlag.ACK) !== 0;
    if (f.isOrig) {
      if (ack && (f.flags & (TcpFlag.FIN | TcpFlag.RST)) === 0 && epState(st, ep) !== S.SYN_ACK_SENT) {
        w.add('repeated_SYN_with_ack');
      }
    } else if (!ack && epState(st, ep) !== S.SYN_SENT) w.add('repeated_SYN_reply_wo_ack');
  }
  if ((f.flags & TcpFlag.FIN) !== 0) {
    if (epState(st, peer) === S.INACTIVE || epState(st, peer) === S.SYN_SENT) w.add('inappropriate_FIN');
    setState(st, ep, S.CLOSED);
    doClose = true;
  }
  if ((f.flags & TcpFlag.RST) !== 0) {
    setState(st, ep, S.RESET);
    doClose = true;
  } else if (f.len > 0) w.add('data_before_established');
  return doClose;
}

function established(f: PacketFacts, w: Weirds): boolean {
  const { st, ep, peer } = f;
  let doClose = false;
  if (
    (f.flags & TcpFlag.SYN) !== 0 &&
    epState(st, ep) === S.PARTIAL &&
    epState(st, peer) === S.INACTIVE &&
    (f.flags & TcpFlag.ACK) === 0
  ) {
    w.add('SYN_after_partial');
    setState(st, ep, S.SYN_SENT);
  }
  if ((f.flags & TcpFlag.FIN) !== 0 && (f.flags & TcpFlag.RST) === 0) {
    setState(st, ep, S.CLOSED);
    // The peer sent FIN then RST: that was a normal termination after all.
    if (epState(st, peer) === S.RESET && epPrevState(st, peer) === S.CLOSED) setState(st, peer, S.CLOSED);
    doClose = true;
  }
  if ((f.flags & TcpFlag.RST) !== 0) {
    setState(st, ep, S.RESET);
    doClose = true;
  }
  return doClose;
}

/** A RST after this endpoint's FIN starts the reset linger (Zeek's ResetTimer). */
function closed(f: PacketFacts, w: Weirds): { doClose: boolean; resetLinger: boolean } {
  const { st, ep, peer } = f;
  if ((f.flags & TcpFlag.SYN) !== 0) w.add('SYN_after_close');
  if ((f.flags & TcpFlag.FIN) !== 0 && f.deltaLast > 0) w.add('FIN_advanced_last_seq');
  // After a FIN exchange a RST changes nothing; otherwise it is a RST after our FIN.
  if ((f.flags & TcpFlag.RST) !== 0 && epState(st, peer) !== S.CLOSED) {
    setState(st, ep, S.RESET);
    return (st.eb[ep]! & EB.DID_CLOSE) !== 0 ? RST_AFTER_FIN : RST_AFTER_FIN_CLOSE;
  }
  return NO_CLOSE;
}
const NO_CLOSE = { doClose: false, resetLinger: false } as const;
const CLOSE = { doClose: true, resetLinger: false } as const;
const RST_AFTER_FIN = { doClose: false, resetLinger: true } as const;
const RST_AFTER_FIN_CLOSE = { doClose: true, resetLinger: true } as const;

function reset(f: PacketFacts, w: Weirds): void {
  if ((f.flags & TcpFlag.SYN) !== 0) w.add('SYN_after_reset');
  if ((f.flags & TcpFlag.FIN) !== 0) w.add('FIN_after_reset');
  if (f.len > 0 && (f.flags & TcpFlag.RST) === 0) w.add('data_after_reset');
}

/** Runs the sender's state function. Exhaustive over the endpoint states. */
export function updateStateMachine(
  f: PacketFacts,
  w: Weirds,
): { readonly doClose: boolean; readonly resetLinger: boolean } {
  const s: EndpointStateValue = epState(f.st, f.ep);
  switch (s) {
    case S.INACTIVE:
      return inactive(f, w) ? CLOSE : NO_CLOSE;
    case S.SYN_SENT:
    case S.SYN_ACK_SENT:
      return synSent(f, w) ? CLOSE : NO_CLOSE;
    case S.ESTABLISHED:
    case S.PARTIAL:
      return established(f, w) ? CLOSE : NO_CLOSE;
    case S.CLOSED:
      return closed(f, w);
    case S.RESET:
      reset(f, w);
      return NO_CLOSE;
    default: {
      const never: never = s;
      return never;
    }
  }
}
