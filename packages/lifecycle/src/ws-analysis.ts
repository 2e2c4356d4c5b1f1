/**
 * Wireshark's per-direction sequence analysis (epan/dissectors/packet-tcp.c,
 * tcp_analyze_sequence_number), reduced to the counts tcplens reports. `fwd` is the sender's
 * endpoint, `rev` the receiver's; numbers are absolute 32-bit, compared in sequence space.
 *
 *   flag (tcp.analysis.*)        condition, in Wireshark's order
 *   zero_window_probe            1 byte at nextseq while the peer's window is 0 (ends the checks)
 *   zero_window                  window 0, no SYN/FIN/RST
 *   lost_segment                 seq beyond nextseq (a hole: "previous segment not captured"), not RST
 *   keep_alive                   0 or 1 byte at nextseq − 1, no SYN/FIN/RST
 *   keep_alive_ack / zwp_ack     repeats seq/ack/window after the peer's keep-alive / probe (ends)
 *   duplicate_ack                no payload, same window (≠ 0), seq = nextseq, ack = last ack, no SYN/FIN/RST
 *   retransmission               payload or SYN/FIN below nextseq, not a keep-alive: fast
 *     (fast / spurious too)      retransmission (≥ 2 dup ACKs back, seq = their ACK, < 20 ms),
 *   out_of_order                 else out-of-order (< initial RTT, or 3 ms, after nextseq advanced,
 *                                and not ending at nextseq), else spurious (below the peer's ACK)
 *                                or plain retransmission
 *
 * Window updates, window full and ACKed-unseen are not counted.
 */
import { TcpFlag } from '@tcplens/packet';
import { CB, EB } from './conn.js';
import { Col, type Store } from './store.js';

const SFR = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

function lt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** The handshake's round trip (last SYN to its ACK, first sensor's clock) once complete, else 0. */
function firstRtt(st: Store, s: number): number {
  if ((st.bits[s]! & CB.TIMING_DONE) === 0) return 0;
  const lastSyn = st.getT(st.lastSynUs, Col.LAST_SYN, s, s);
  return lastSyn >= 0 ? st.getT(st.handshakeAckUs, Col.HS_ACK, s, s) - lastSyn : 0;
}

/** Wireshark's analysis of one segment of ep `f` (slot s) towards ep `r`, before the packet's other bookkeeping. */
export function wsAnalyze(
  st: Store, s: number, f: number, r: number, t: number,
  seq: number, ack: number, len: number, flags: number, window: number,
): void {
  let segFlags = 0;
  const sfr = (flags & SFR) !== 0;
  const fb = st.eb[f]!;
  const nextSet = (fb & EB.WS_NEXT_SET) !== 0;
  const nextSeq = st.wsNextSeq[f]!;
  const lastAck = st.wsLastAck[f]!;
  const rb = st.eb[r]!;
  let checks = true;
  if (len === 1 && nextSet && seq === nextSeq && (rb & EB.WS_WIN_SET) !== 0 && st.wsWindow[r] === 0) {
    segFlags |= EB.WS_ZW_PROBE;
    checks = false;
  }
  if (checks) {
    if (window === 0 && !sfr) st.inc(st.wsZeroWin, Col.WS_ZERO_WIN, f);
    if (nextSet && lt(nextSeq, seq) && (flags & TcpFlag.RST) === 0) st.inc(st.wsLost, Col.WS_LOST, f);
    if (len <= 1 && nextSet && seq === ((nextSeq - 1) >>> 0) && !sfr) {
      segFlags |= EB.WS_KEEP_ALIVE;
      st.inc(st.wsKeepAlive, Col.WS_KEEP_ALIVE, f);
    }
    const repeat = len === 0 && !sfr && nextSet && seq === nextSeq && ack === lastAck &&
      (fb & EB.WS_WIN_SET) !== 0 && window === st.wsWindow[f];
    if (repeat && window !== 0 && (rb & EB.WS_KEEP_ALIVE) !== 0) {
      // keep-alive ACK: not a duplicate ACK
    } else if (repeat && window === 0 && (rb & EB.WS_ZW_PROBE) !== 0) {
      // zero-window-probe ACK
    } else if (repeat && window !== 0) {
      if (st.wsDupAckNum[f]! < 255) st.wsDupAckNum[f]!++;
      st.inc(st.wsDupAcks, Col.WS_DUP_ACKS, f);
    }
  }
  if (ack !== lastAck) st.wsDupAckNum[f] = 0;

  const hasSeq = len > 0 || (flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0;
  if (hasSeq && nextSet && lt(seq, nextSeq) && (segFlags & EB.WS_KEEP_ALIVE) === 0) {
    const rtt = firstRtt(st, s);
    const oooThresh = rtt > 0 ? rtt : 3000;
    const end = (seq + len) >>> 0;
    if (st.wsDupAckNum[r]! >= 2 && st.wsLastAck[r] === seq && t - st.getT(st.wsLastAckUs, Col.WS_ACK_US, r, s) < 20_000) {
      st.inc(st.wsRetrans, Col.WS_RETRANS, f);
    } else if (t - st.getT(st.wsNextSeqUs, Col.WS_NEXT_US, f, s) < oooThresh && nextSeq !== end) {
      st.inc(st.wsOoo, Col.WS_OOO, f);
    } else st.inc(st.wsRetrans, Col.WS_RETRANS, f); // spurious or plain: both are tcp.analysis.retransmission
  }

  let next = (seq + len) >>> 0;
  if ((flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0) next = (next + 1) >>> 0;
  let b = (fb & ~(EB.WS_KEEP_ALIVE | EB.WS_ZW_PROBE)) | segFlags | EB.WS_WIN_SET;
  if ((!nextSet || lt(nextSeq, next)) && (segFlags & EB.WS_ZW_PROBE) === 0) {
    st.wsNextSeq[f] = next;
    b |= EB.WS_NEXT_SET;
    st.setT(st.wsNextSeqUs, Col.WS_NEXT_US, f, s, t);
  }
  st.eb[f] = b;
  st.wsWindow[f] = window;
  st.wsLastAck[f] = ack;
  st.setT(st.wsLastAckUs, Col.WS_ACK_US, f, s, t);
}
