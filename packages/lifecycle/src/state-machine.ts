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
import type { Conn } from './conn.js';
import { EndpointState as S, seqDelta, type Endpoint } from './endpoint.js';
import type { Weirds } from './weirds.js';

export interface PacketFacts {
  flags: number;
  len: number;
  baseSeq: number;
  ackSeq: number;
  deltaLast: number;
  isOrig: boolean;
}

function inactive(c: Conn, ep: Endpoint, peer: Endpoint, f: PacketFacts, w: Weirds): boolean {
  const syn = (f.flags & TcpFlag.SYN) !== 0;
  const ack = (f.flags & TcpFlag.ACK) !== 0;
  let doClose = false;
  if (syn) {
    if (f.isOrig) {
      if (ack) {
        w.add('connection_originator_SYN_ack');
        ep.setState(S.SYN_ACK_SENT);
      } else ep.setState(S.SYN_SENT);
    } else {
      if (ack) {
        if (
          peer.state !== S.INACTIVE &&
          peer.state !== S.PARTIAL &&
          !(seqDelta(f.ackSeq, peer.startSeq) >= 0 && seqDelta(f.ackSeq, peer.lastSeq) <= 0)
        ) {
          w.add('bad_SYN_ack');
        }
      } else if (peer.state === S.SYN_ACK_SENT && f.baseSeq === ep.startSeq) {
        // SYN and SYN-ACK captured in reverse order (Zeek: "SYN/SYN-ACK reversal"): flip the
        // roles and establish. Zeek appends '^' here, after this SYN's letter.
        c.flipPending = true;
        c.history += '^';
        peer.setState(S.ESTABLISHED);
      } else w.add('simultaneous_open');
      if (peer.state === S.SYN_SENT) peer.setState(S.ESTABLISHED);
      else if (peer.state === S.INACTIVE) w.add('unsolicited_SYN_response');
      ep.setState(S.ESTABLISHED);
    }
  }
  if ((f.flags & TcpFlag.FIN) !== 0) {
    ep.setState(S.CLOSED);
    doClose = true;
    if (peer.state !== S.PARTIAL && !syn) w.add('spontaneous_FIN');
  }
  if ((f.flags & TcpFlag.RST) !== 0) {
    ep.setState(S.RESET);
    doClose = true;
    const reject = f.isOrig
      ? peer.state === S.ESTABLISHED
      : peer.state === S.SYN_SENT || peer.state === S.SYN_ACK_SENT;
    if (!reject && peer.state === S.INACTIVE) w.add('spontaneous_RST');
  }
  if (ep.state === S.INACTIVE) {
    // No control flag changed the state.
    if (!f.isOrig && f.len === 0 && c.orig.state === S.SYN_SENT) {
      // Some stacks ACK a SYN before answering it: not a partial connection.
    } else if (ack && peer.state === S.ESTABLISHED) {
      ep.setState(S.ESTABLISHED); // we missed the SYN but saw the SYN-ACK; this is its ACK
    } else {
      ep.setState(S.PARTIAL);
    }
  }
  return doClose;
}

function synSent(ep: Endpoint, peer: Endpoint, f: PacketFacts, w: Weirds): boolean {
  let doClose = false;
  if ((f.flags & TcpFlag.SYN) !== 0) {
    const ack = (f.flags & TcpFlag.ACK) !== 0;
    if (f.isOrig) {
      if (ack && (f.flags & (TcpFlag.FIN | TcpFlag.RST)) === 0 && ep.state !== S.SYN_ACK_SENT) {
        w.add('repeated_SYN_with_ack');
      }
    } else if (!ack && ep.state !== S.SYN_SENT) w.add('repeated_SYN_reply_wo_ack');
  }
  if ((f.flags & TcpFlag.FIN) !== 0) {
    if (peer.state === S.INACTIVE || peer.state === S.SYN_SENT) w.add('inappropriate_FIN');
    ep.setState(S.CLOSED);
    doClose = true;
  }
  if ((f.flags & TcpFlag.RST) !== 0) {
    ep.setState(S.RESET);
    doClose = true;
  } else if (f.len > 0) w.add('data_before_established');
  return doClose;
}

function established(ep: Endpoint, peer: Endpoint, f: PacketFacts, w: Weirds): boolean {
  let doClose = false;
  if (
    (f.flags & TcpFlag.SYN) !== 0 &&
    ep.state === S.PARTIAL &&
    peer.state === S.INACTIVE &&
    (f.flags & TcpFlag.ACK) === 0
  ) {
    w.add('SYN_after_partial');
    ep.setState(S.SYN_SENT);
  }
  if ((f.flags & TcpFlag.FIN) !== 0 && (f.flags & TcpFlag.RST) === 0) {
    ep.setState(S.CLOSED);
    // The peer sent FIN then RST: that was a normal termination after all.
    if (peer.state === S.RESET && peer.prevState === S.CLOSED) peer.setState(S.CLOSED);
    doClose = true;
  }
  if ((f.flags & TcpFlag.RST) !== 0) {
    ep.setState(S.RESET);
    doClose = true;
  }
  return doClose;
}

/** A RST after this endpoint's FIN starts the reset linger (Zeek's ResetTimer). */
function closed(ep: Endpoint, peer: Endpoint, f: PacketFacts, w: Weirds): { doClose: boolean; resetLinger: boolean } {
  if ((f.flags & TcpFlag.SYN) !== 0) w.add('SYN_after_close');
  if ((f.flags & TcpFlag.FIN) !== 0 && f.deltaLast > 0) w.add('FIN_advanced_last_seq');
  // After a FIN exchange a RST changes nothing; otherwise it is a RST after our FIN.
  if ((f.flags & TcpFlag.RST) !== 0 && peer.state !== S.CLOSED) {
    ep.setState(S.RESET);
    return ep.didClose ? RST_AFTER_FIN : RST_AFTER_FIN_CLOSE;
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
  c: Conn,
  ep: Endpoint,
  peer: Endpoint,
  f: PacketFacts,
  w: Weirds,
): { readonly doClose: boolean; readonly resetLinger: boolean } {
  const s = ep.state;
  switch (s) {
    case S.INACTIVE:
      return inactive(c, ep, peer, f, w) ? CLOSE : NO_CLOSE;
    case S.SYN_SENT:
    case S.SYN_ACK_SENT:
      return synSent(ep, peer, f, w) ? CLOSE : NO_CLOSE;
    case S.ESTABLISHED:
    case S.PARTIAL:
      return established(ep, peer, f, w) ? CLOSE : NO_CLOSE;
    case S.CLOSED:
      return closed(ep, peer, f, w);
    case S.RESET:
      reset(f, w);
      return NO_CLOSE;
    default: {
      const never: never = s;
      return never;
    }
  }
}
