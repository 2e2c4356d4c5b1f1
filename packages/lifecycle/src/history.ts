/**
 * Zeek's connection history letters (conn.log `history`), upper case for the originator,
 * lower case for the responder:
 *
 *   S  SYN without ACK          H  SYN+ACK               A  pure ACK        D  payload
 *   F  FIN                      R  RST                   I  FIN+RST         Q  SYN+FIN or SYN+RST
 *   T  retransmitted payload    W  zero window           G  content gap (gaps.ts)
 *   ^  direction flipped by the heuristic
 *
 * A, D, I, Q: once per direction. S, H, F, R: again only when the sequence number differs from
 * the last packet of that kind (a retransmission adds nothing). T, W, G: logarithmic, the letter
 * is added at the 1st, 10th, 100th, ... occurrence. (C, bad checksum, is not produced: TcpPacket
 * carries no payload to verify, as Zeek run with ignore_checksums.)
 */
import type { Conn } from './conn.js';
import type { Endpoint } from './endpoint.js';
import { TcpFlag } from '@tcplens/packet';

const HIST_SYN = 0x01;
const HIST_FIN = 0x02;
const HIST_RST = 0x04;
const HIST_FIN_RST = 0x08;
const HIST_DATA = 0x10;
const HIST_ACK = 0x20;
const HIST_MULTI = 0x40;
const RESP_SHIFT = 8;

const LOWER = 0x20;

function add(c: Conn, isOrig: boolean, upper: string): void {
  c.history += isOrig ? upper : String.fromCharCode(upper.charCodeAt(0) | LOWER);
}

/** Records the letter unless already seen in this direction; true when it had been seen. */
function checkHistory(c: Conn, isOrig: boolean, mask: number, upper: string): boolean {
  const m = isOrig ? mask : mask << RESP_SHIFT;
  if ((c.histSeen & m) !== 0) return true;
  c.histSeen |= m;
  add(c, isOrig, upper);
  return false;
}

/** Zeek's update_history, for one packet; relSeq is the packet's relative sequence number. */
export function updateHistory(c: Conn, ep: Endpoint, isOrig: boolean, flags: number, relSeq: number, len: number): void {
  const syn = (flags & TcpFlag.SYN) !== 0;
  const fin = (flags & TcpFlag.FIN) !== 0;
  const rst = (flags & TcpFlag.RST) !== 0;
  const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
  if (bits > 1) {
    if (fin && rst) checkHistory(c, isOrig, HIST_FIN_RST, 'I');
    else checkHistory(c, isOrig, HIST_MULTI, 'Q');
  } else if (bits === 1) {
    if (syn) {
      const code = (flags & TcpFlag.ACK) !== 0 ? 'H' : 'S';
      if (checkHistory(c, isOrig, HIST_SYN, code) && relSeq !== ep.histLastSyn) add(c, isOrig, code);
      ep.histLastSyn = relSeq;
    } else if (fin) {
      // A FIN's sequence number counts at the end of the payload it carries.
      if (checkHistory(c, isOrig, HIST_FIN, 'F') && relSeq + len !== ep.histLastFin) add(c, isOrig, 'F');
      ep.histLastFin = relSeq + len;
    } else {
      if (checkHistory(c, isOrig, HIST_RST, 'R') && relSeq !== ep.histLastRst) add(c, isOrig, 'R');
      ep.histLastRst = relSeq;
    }
  } else if (len > 0) {
    checkHistory(c, isOrig, HIST_DATA, 'D');
  } else if ((flags & TcpFlag.ACK) !== 0) {
    checkHistory(c, isOrig, HIST_ACK, 'A');
  }
}

/** Payload at or below the last sequence already seen: Zeek's DidRxmit, letter T. */
export function didRetransmit(c: Conn, ep: Endpoint, isOrig: boolean): void {
  if (++ep.rxmtCnt === ep.rxmtThresh) {
    add(c, isOrig, 'T');
    ep.rxmtThresh *= 10;
  }
}

/** A content gap (Zeek's TCP_Endpoint::Gap), letter G, logarithmic. */
export function gap(c: Conn, ep: Endpoint, isOrig: boolean): void {
  if (++ep.gapCnt === ep.gapThresh) {
    add(c, isOrig, 'G');
    ep.gapThresh *= 10;
  }
}

/** A zero window advertisement: Zeek's ZeroWindow, letter W. */
export function zeroWindow(c: Conn, ep: Endpoint, isOrig: boolean): void {
  if (++ep.win0Cnt === ep.win0Thresh) {
    add(c, isOrig, 'W');
    ep.win0Thresh *= 10;
  }
}

/** The direction was chosen against the first packet's sender (Zeek's FlipRoles adds '^'). */
export function flipped(c: Conn): void {
  c.history += '^';
}
