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
import { Col, HIST_ROW, type Store } from './store.js';
import { TcpFlag } from '@tcplens/packet';

export const HIST_SYN = 0x01;
export const HIST_FIN = 0x02;
const HIST_RST = 0x04;
const HIST_FIN_RST = 0x08;
export const HIST_DATA = 0x10;
export const HIST_ACK = 0x20;
const HIST_MULTI = 0x40;
export const RESP_SHIFT = 8;

const LOWER = 0x20;
const INLINE = HIST_ROW - 1;
const LONG = 255;
const S_ = 0x53, H_ = 0x48, A_ = 0x41, D_ = 0x44, F_ = 0x46, R_ = 0x52, I_ = 0x49, Q_ = 0x51, T_ = 0x54,
  W_ = 0x57, G_ = 0x47;
const CARET = 0x5e;

/** Appends one letter (a character code) to the history of slot s. */
export function appendHistory(st: Store, s: number, code: number): void {
  const h = st.hist;
  const b = s * HIST_ROW;
  const n = h[b]!;
  if (n < INLINE) {
    h[b + 1 + n] = code;
    h[b] = n + 1;
  } else if (n === INLINE) {
    st.histLong.set(s, inlineText(h, b, n) + String.fromCharCode(code));
    h[b] = LONG;
  } else st.histLong.set(s, (st.histLong.get(s) ?? '') + String.fromCharCode(code));
}

function inlineText(h: Uint8Array, b: number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String.fromCharCode(h[b + 1 + i]!);
  return out;
}

/**
 * Text of recent inline histories (most connections share a few, e.g. "ShADadFf"), direct-mapped
 * by a hash of the row: a hit compares the row's bytes and returns the shared string.
 */
const TEXT_SLOTS = 512;
const textKey = new Uint8Array(TEXT_SLOTS * HIST_ROW);
const textVal: string[] = new Array<string>(TEXT_SLOTS).fill('');

function cachedText(h: Uint8Array, b: number, n: number): string {
  let x = n;
  for (let i = 1; i <= n; i++) x = Math.imul(x ^ h[b + i]!, 0x01000193);
  const slot = Math.imul(x, 0x9e3779b1 | 0) >>> 23;
  const k = slot * HIST_ROW;
  const hit = textVal[slot]!;
  if (textKey[k] === n && hit !== '') {
    let same = true;
    for (let i = 1; i <= n; i++) {
      if (textKey[k + i] !== h[b + i]) {
        same = false;
        break;
      }
    }
    if (same) return hit;
  }
  const text = inlineText(h, b, n);
  for (let i = 0; i <= n; i++) textKey[k + i] = h[b + i]!;
  textVal[slot] = text;
  return text;
}

export function historyText(st: Store, s: number): string {
  const b = s * HIST_ROW;
  const n = st.hist[b]!;
  return n === LONG ? (st.histLong.get(s) ?? '') : cachedText(st.hist, b, n);
}

function add(st: Store, s: number, isOrig: boolean, upper: number): void {
  appendHistory(st, s, isOrig ? upper : upper | LOWER);
}

/** Records the letter unless already seen in this direction; true when it had been seen. */
function checkHistory(st: Store, s: number, isOrig: boolean, mask: number, upper: number): boolean {
  const m = isOrig ? mask : mask << RESP_SHIFT;
  if ((st.histSeen[s]! & m) !== 0) return true;
  st.histSeen[s]! |= m;
  add(st, s, isOrig, upper);
  return false;
}

/** Zeek's update_history, for one packet of ep e; relSeq is the packet's relative sequence number. */
export function updateHistory(st: Store, s: number, e: number, isOrig: boolean, flags: number, relSeq: number, len: number): void {
  const syn = (flags & TcpFlag.SYN) !== 0;
  const fin = (flags & TcpFlag.FIN) !== 0;
  const rst = (flags & TcpFlag.RST) !== 0;
  const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
  if (bits > 1) {
    if (fin && rst) checkHistory(st, s, isOrig, HIST_FIN_RST, I_);
    else checkHistory(st, s, isOrig, HIST_MULTI, Q_);
  } else if (bits === 1) {
    // hLast* are Int32 columns: positions compare modulo 2^32 (a repeat exactly 4 GiB apart looks equal).
    if (syn) {
      const code = (flags & TcpFlag.ACK) !== 0 ? H_ : S_;
      if (checkHistory(st, s, isOrig, HIST_SYN, code) && (relSeq | 0) !== st.hLastSyn[e]) add(st, s, isOrig, code);
      st.hLastSyn[e] = relSeq;
    } else if (fin) {
      // A FIN's sequence number counts at the end of the payload it carries.
      if (checkHistory(st, s, isOrig, HIST_FIN, F_) && ((relSeq + len) | 0) !== st.hLastFin[e]) add(st, s, isOrig, F_);
      st.hLastFin[e] = relSeq + len;
    } else {
      if (checkHistory(st, s, isOrig, HIST_RST, R_) && (relSeq | 0) !== st.hLastRst[e]) add(st, s, isOrig, R_);
      st.hLastRst[e] = relSeq;
    }
  } else if (len > 0) {
    checkHistory(st, s, isOrig, HIST_DATA, D_);
  } else if ((flags & TcpFlag.ACK) !== 0) {
    checkHistory(st, s, isOrig, HIST_ACK, A_);
  }
}

/** True for 1, 10, 100, ...: the logarithmic letters are added at these counts. */
function powerOf10(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}

/** Payload at or below the last sequence already seen: Zeek's DidRxmit, letter T. */
export function didRetransmit(st: Store, s: number, e: number, isOrig: boolean): void {
  if (powerOf10(st.inc(st.rxmt, Col.RXMT, e))) add(st, s, isOrig, T_);
}

/** A content gap (Zeek's TCP_Endpoint::Gap), letter G, logarithmic. */
export function gap(st: Store, s: number, e: number, isOrig: boolean): void {
  if (powerOf10(st.inc(st.gaps, Col.GAPS, e))) add(st, s, isOrig, G_);
}

/** A zero window advertisement: Zeek's ZeroWindow, letter W. */
export function zeroWindow(st: Store, s: number, e: number, isOrig: boolean): void {
  if (powerOf10(st.inc(st.win0, Col.WIN0, e))) add(st, s, isOrig, W_);
}

/** The direction was chosen against the first packet's sender (Zeek's FlipRoles adds '^'). */
export function flipped(st: Store, s: number): void {
  appendHistory(st, s, CARET);
}
