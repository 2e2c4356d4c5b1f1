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
import type { Endpoint } from './endpoint.js';

const KEEP_ALIVE = 1;
const ZW_PROBE = 2;
const SFR = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

function lt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

export function wsAnalyze(
  fwd: Endpoint, rev: Endpoint, t: number,
  seq: number, ack: number, len: number, flags: number, window: number, firstRttUs: number,
): void {
  let segFlags = 0;
  const sfr = (flags & SFR) !== 0;
  let checks = true;
  if (len === 1 && fwd.wsNextSeqSet && seq === fwd.wsNextSeq && rev.wsWindow === 0) {
    segFlags |= ZW_PROBE;
    checks = false;
  }
  if (checks) {
    if (window === 0 && !sfr) fwd.wsZeroWin++;
    if (fwd.wsNextSeqSet && lt(fwd.wsNextSeq, seq) && (flags & TcpFlag.RST) === 0) fwd.wsLost++;
    if (len <= 1 && fwd.wsNextSeqSet && seq === ((fwd.wsNextSeq - 1) >>> 0) && !sfr) {
      segFlags |= KEEP_ALIVE;
      fwd.wsKeepAlive++;
    }
    const repeat = len === 0 && !sfr && fwd.wsNextSeqSet && seq === fwd.wsNextSeq && ack === fwd.wsLastAck &&
      window === fwd.wsWindow;
    if (repeat && window !== 0 && (rev.wsLastFlags & KEEP_ALIVE) !== 0) {
      // keep-alive ACK: not a duplicate ACK
    } else if (repeat && window === 0 && (rev.wsLastFlags & ZW_PROBE) !== 0) {
      // zero-window-probe ACK
    } else if (repeat && window !== 0) {
      fwd.wsDupAckNum++;
      fwd.wsDupAcks++;
    }
  }
  if (ack !== fwd.wsLastAck) fwd.wsDupAckNum = 0;

  const hasSeq = len > 0 || (flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0;
  if (hasSeq && fwd.wsNextSeqSet && lt(seq, fwd.wsNextSeq) && (segFlags & KEEP_ALIVE) === 0) {
    const oooThresh = firstRttUs > 0 ? firstRttUs : 3000;
    const end = (seq + len) >>> 0;
    if (rev.wsDupAckNum >= 2 && rev.wsLastAck === seq && t - rev.wsLastAckUs < 20_000) fwd.wsRetrans++;
    else if (t - fwd.wsNextSeqUs < oooThresh && fwd.wsNextSeq !== end) fwd.wsOoo++;
    else fwd.wsRetrans++; // spurious or plain: both are tcp.analysis.retransmission
  }

  let next = (seq + len) >>> 0;
  if ((flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0) next = (next + 1) >>> 0;
  if ((!fwd.wsNextSeqSet || lt(fwd.wsNextSeq, next)) && (segFlags & ZW_PROBE) === 0) {
    fwd.wsNextSeq = next;
    fwd.wsNextSeqSet = true;
    fwd.wsNextSeqUs = t;
  }
  fwd.wsWindow = window;
  fwd.wsLastAck = ack;
  fwd.wsLastAckUs = t;
  fwd.wsLastFlags = segFlags;
}
