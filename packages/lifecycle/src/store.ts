/**
 * Per-connection state as typed-array columns indexed by slot (struct of arrays): no object per
 * connection, no boxed numbers, nothing allocated per packet. Endpoint columns are indexed by
 * e = slot × 2 + side (0 originator, 1 responder). Slots are reused from a free list; columns
 * grow by doubling.
 *
 * Narrow columns with an escape: times are µs offsets from the connection's start in a Uint32
 * (NONE = not seen, WIDE = the value is in `wide`); small counters are Uint8 (255 = in `wide`);
 * relative sequence positions are Int32 (INT32_MIN = in `wide`). Only connections that outgrow a
 * column (over 71 minutes, 2 GiB, 254 retransmissions...) use the map, keyed by index × 32 + column.
 * Rare structures live in maps by slot or ep: long histories, out-of-order ranges (gaps.ts),
 * multi-sensor data (sensors.ts).
 */
import { CB } from './conn.js';
import type { MultiSide } from './sensors.js';

export const T_NONE = 0xffffffff;
export const T_WIDE = 0xfffffffe;
export const I_WIDE = -0x80000000;
const C_WIDE = 255;
/** History bytes per slot: a length byte (255 = in histLong) and up to 11 letters. */
export const HIST_ROW = 12;

/** Column ids for the escape map. */
export const Col = {
  LAST: 0, ZEEK_LAST: 1, CLS_SINCE: 2, LAST_SYN: 3, SYN_ACK: 4, SYN_ANSWERED: 5, HS_ACK: 6, FIRST_FIN: 7,
  FIRST_DATA: 8, WS_NEXT_US: 9, WS_ACK_US: 10, FIN_SEQ: 11, REASSEM: 12, TRIM: 13, IP_BYTES: 14,
  MISSED: 15, HALF_CLOSE: 16, RXMT: 17, WIN0: 18, GAPS: 19, WS_RETRANS: 20, WS_OOO: 21, WS_DUP_ACKS: 22,
  WS_ZERO_WIN: 23, WS_KEEP_ALIVE: 24, WS_LOST: 25,
} as const;
const COLS = 26;
/** Whether column `id` is indexed by slot (the others by ep). */
function isSlotCol(id: number): boolean {
  return id <= Col.FIRST_FIN || id === Col.HALF_CLOSE;
}

function grown<T extends Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array>(a: T, n: number, fill = 0): T {
  const g = new (a.constructor as new (n: number) => T)(n);
  g.set(a);
  if (fill !== 0) g.fill(fill, a.length);
  return g;
}

export class Store {
  cap = 0;
  // Connection columns (by slot).
  addr4 = new Int32Array(0); // originator, responder IPv4 (word 3 of the mapped form)
  addr6: Int32Array | null = null; // 8 words per slot, allocated with the first non-IPv4 connection
  ports = new Int32Array(0); // originator port << 16 | responder port
  hash = new Int32Array(0);
  startUs = new Float64Array(0);
  lastUs = new Uint32Array(0);
  zeekLastUs = new Uint32Array(0); // Zeek's last_time: not advanced once both sides closed
  clsSince = new Uint32Array(0);
  lastSynUs = new Uint32Array(0);
  synAckUs = new Uint32Array(0);
  /** The SYN the first SYN-ACK answered (syn_to_synack_us = synAckUs − this), -1 = none. */
  synAnsweredUs = new Uint32Array(0);
  handshakeAckUs = new Uint32Array(0);
  firstFinUs = new Uint32Array(0); // first FIN of either side, first sensor's clock
  firstSeq = new Uint32Array(0);
  firstFinNext = new Uint32Array(0);
  prev = new Int32Array(0);
  next = new Int32Array(0);
  bits = new Uint16Array(0);
  /** firstFinSide | firstRstSide << 2 | rstSides << 4 | finRstSides << 6 */
  sides = new Uint8Array(0);
  /** rstPhase | (timeout class + 1) << 4 */
  phaseCls = new Uint8Array(0);
  histSeen = new Uint16Array(0);
  hist = new Uint8Array(0);
  // Endpoint columns (by ep = slot × 2 + side).
  st = new Uint8Array(0); // state | prevState << 4
  eb = new Uint8Array(0);
  startSeq = new Uint32Array(0);
  lastSeq = new Uint32Array(0);
  ackSeq = new Uint32Array(0);
  seqWraps = new Uint16Array(0);
  ackWraps = new Uint16Array(0);
  hLastSyn = new Int32Array(0);
  hLastFin = new Int32Array(0);
  hLastRst = new Int32Array(0);
  rxmt = new Uint8Array(0);
  win0 = new Uint8Array(0);
  gaps = new Uint8Array(0);
  pkts = new Uint32Array(0);
  ipBytes = new Uint32Array(0);
  eflags = new Uint8Array(0);
  finSeq = new Int32Array(0);
  reassem = new Int32Array(0);
  trim = new Int32Array(0);
  wsNextSeq = new Uint32Array(0);
  wsLastAck = new Uint32Array(0);
  wsNextSeqUs = new Uint32Array(0);
  wsLastAckUs = new Uint32Array(0);
  wsWindow = new Uint16Array(0);
  wsDupAckNum = new Uint8Array(0);
  wsRetrans = new Uint8Array(0);
  wsOoo = new Uint8Array(0);
  wsDupAcks = new Uint8Array(0);
  wsZeroWin = new Uint8Array(0);
  wsKeepAlive = new Uint8Array(0);
  wsLost = new Uint8Array(0);
  firstDataUs = new Uint32Array(0);
  // Side tables.
  readonly wide = new Map<number, number>();
  readonly histLong = new Map<number, string>();
  /** Out-of-order ranges by ep (gaps.ts). */
  readonly blocks = new Map<number, number[]>();
  readonly multi = new Map<number, MultiSide>();
  private readonly free: number[] = [];
  private used = 0;

  constructor(initial = 1024) {
    this.grow(initial);
  }

  /**
   * A cleared slot. A released slot was cleared by release(), while its columns were still in
   * the CPU cache after the record was built; reusing it later only sets the start time.
   */
  alloc(startUs: number): number {
    let s = this.free.pop();
    if (s === undefined) {
      if (this.used === this.cap) this.grow(this.cap * 2);
      s = this.used++;
      this.clear(s);
    }
    this.startUs[s] = startUs;
    return s;
  }

  release(s: number): void {
    const b = this.bits[s]!;
    if ((b & CB.HAS_WIDE) !== 0) {
      for (let c = 0; c < COLS; c++) {
        if (isSlotCol(c)) this.wide.delete(s * 32 + c);
        else {
          this.wide.delete(2 * s * 32 + c);
          this.wide.delete((2 * s + 1) * 32 + c);
        }
      }
    }
    if (this.hist[s * HIST_ROW] === C_WIDE) this.histLong.delete(s);
    if (this.blocks.size > 0) {
      this.blocks.delete(2 * s);
      this.blocks.delete(2 * s + 1);
    }
    if ((b & CB.HAS_MULTI) !== 0) this.multi.delete(s);
    this.clear(s);
    this.free.push(s);
  }

  private clear(s: number): void {
    this.lastUs[s] = 0;
    this.zeekLastUs[s] = 0;
    this.clsSince[s] = 0;
    this.lastSynUs[s] = T_NONE;
    this.synAckUs[s] = T_NONE;
    this.synAnsweredUs[s] = T_NONE;
    this.handshakeAckUs[s] = T_NONE;
    this.firstFinUs[s] = T_NONE;
    this.firstSeq[s] = 0;
    this.firstFinNext[s] = 0;
    this.prev[s] = -1;
    this.next[s] = -1;
    this.bits[s] = 0;
    this.sides[s] = 0;
    this.phaseCls[s] = 0;
    this.histSeen[s] = 0;
    this.hist[s * HIST_ROW] = 0;
    for (let e = 2 * s; e < 2 * s + 2; e++) {
      this.st[e] = 0;
      this.eb[e] = 0;
      this.startSeq[e] = 0;
      this.lastSeq[e] = 0;
      this.ackSeq[e] = 0;
      this.seqWraps[e] = 0;
      this.ackWraps[e] = 0;
      this.hLastSyn[e] = 0;
      this.hLastFin[e] = 0;
      this.hLastRst[e] = 0;
      this.rxmt[e] = 0;
      this.win0[e] = 0;
      this.gaps[e] = 0;
      this.pkts[e] = 0;
      this.ipBytes[e] = 0;
      this.eflags[e] = 0;
      this.finSeq[e] = 0;
      this.reassem[e] = 1;
      this.trim[e] = 0;
      this.wsNextSeq[e] = 0;
      this.wsLastAck[e] = 0;
      this.wsNextSeqUs[e] = 0;
      this.wsLastAckUs[e] = 0;
      this.wsWindow[e] = 0;
      this.wsDupAckNum[e] = 0;
      this.wsRetrans[e] = 0;
      this.wsOoo[e] = 0;
      this.wsDupAcks[e] = 0;
      this.wsZeroWin[e] = 0;
      this.wsKeepAlive[e] = 0;
      this.wsLost[e] = 0;
      this.firstDataUs[e] = T_NONE;
    }
  }

  /** Makes sure the 8-word address pool exists (first connection with non-IPv4 addresses). */
  addr6Pool(): Int32Array {
    if (this.addr6 === null) this.addr6 = new Int32Array(this.cap * 8);
    return this.addr6;
  }

  private grow(n: number): void {
    this.cap = n;
    const self = this as unknown as Record<string, unknown>;
    for (const k of Object.keys(this)) {
      const a = self[k];
      if (!ArrayBuffer.isView(a) || a === this.addr6) continue;
      const per = k === 'addr4' ? 2 : k === 'hist' ? HIST_ROW : EP_COLS.has(k) ? 2 : 1;
      self[k] = grown(a as Uint8Array, n * per);
    }
    if (this.addr6 !== null) this.addr6 = grown(this.addr6, n * 8);
  }

  /** Exchanges the two endpoints of slot s (a SYN/SYN-ACK reversal). */
  swapEndpoints(s: number): void {
    const a = 2 * s;
    const b = a + 1;
    const self = this as unknown as Record<string, Uint32Array>;
    for (const k of EP_COLS) {
      const col = self[k]!;
      const x = col[a]!;
      col[a] = col[b]!;
      col[b] = x;
    }
    if ((this.bits[s]! & CB.HAS_WIDE) !== 0) {
      for (let c = 0; c < COLS; c++) {
        if (!isSlotCol(c)) swapKeys(this.wide, a * 32 + c, b * 32 + c);
      }
    }
    swapKeys(this.blocks, a, b);
  }

  // --- Times: µs, -1 = not seen. `i` indexes `col`, `s` is the slot. ---

  getT(col: Uint32Array, id: number, i: number, s: number): number {
    const v = col[i]!;
    return v < T_WIDE ? this.startUs[s]! + v : this.getTRare(v, id, i);
  }

  /** Out of line, so the common case above stays small enough to inline. */
  private getTRare(v: number, id: number, i: number): number {
    return v === T_NONE ? -1 : this.wide.get(i * 32 + id)!;
  }

  setT(col: Uint32Array, id: number, i: number, s: number, t: number): void {
    const d = t - this.startUs[s]!;
    if (d >= 0 && d < T_WIDE && t >= 0) col[i] = d;
    else this.setTRare(col, id, i, s, t);
  }

  private setTRare(col: Uint32Array, id: number, i: number, s: number, t: number): void {
    if (t < 0) col[i] = T_NONE;
    else this.spill(col, id, i, s, t, T_WIDE);
  }

  // --- Int32 values with escape (relative sequence positions). ---

  getI(col: Int32Array, id: number, i: number): number {
    const v = col[i]!;
    return v !== I_WIDE ? v : this.wide.get(i * 32 + id)!;
  }

  setI(col: Int32Array, id: number, i: number, v: number): void {
    if ((v | 0) === v && v !== I_WIDE) col[i] = v;
    else this.spill(col, id, i, i >> 1, v, I_WIDE);
  }

  /** Uint32 sums (IP bytes) with escape. */
  getU(col: Uint32Array, id: number, i: number): number {
    const v = col[i]!;
    return v !== T_NONE ? v : this.wide.get(i * 32 + id)!;
  }

  addU(col: Uint32Array, id: number, i: number, n: number): void {
    const v = this.getU(col, id, i) + n;
    if (v < T_NONE) col[i] = v;
    else this.spill(col, id, i, i >> 1, v, T_NONE);
  }

  // --- Uint8 counters with escape. ---

  getC(col: Uint8Array, id: number, i: number): number {
    const v = col[i]!;
    return v !== C_WIDE ? v : this.wide.get(i * 32 + id)!;
  }

  /** Increments and returns the new count. */
  inc(col: Uint8Array, id: number, i: number): number {
    const v = col[i]!;
    if (v < C_WIDE - 1) return (col[i] = v + 1);
    const n = this.getC(col, id, i) + 1;
    this.spill(col, id, i, i >> 1, n, C_WIDE);
    return n;
  }

  // --- Map-only sums (rarely non-zero): missed bytes (by ep), half-close bytes (by slot). ---

  getM(id: number, i: number): number {
    return this.wide.get(i * 32 + id) ?? 0;
  }

  addM(id: number, i: number, s: number, n: number): void {
    this.wide.set(i * 32 + id, this.getM(id, i) + n);
    this.bits[s]! |= CB.HAS_WIDE;
  }

  private spill(col: { [i: number]: number }, id: number, i: number, s: number, v: number, mark: number): void {
    col[i] = mark;
    this.wide.set(i * 32 + id, v);
    this.bits[s]! |= CB.HAS_WIDE;
  }
}

/** Columns with two entries per slot. */
const EP_COLS = new Set([
  'st', 'eb', 'startSeq', 'lastSeq', 'ackSeq', 'seqWraps', 'ackWraps', 'hLastSyn', 'hLastFin', 'hLastRst',
  'rxmt', 'win0', 'gaps', 'pkts', 'ipBytes', 'eflags', 'finSeq', 'reassem', 'trim', 'wsNextSeq', 'wsLastAck',
  'wsNextSeqUs', 'wsLastAckUs', 'wsWindow', 'wsDupAckNum', 'wsRetrans', 'wsOoo', 'wsDupAcks', 'wsZeroWin',
  'wsKeepAlive', 'wsLost', 'firstDataUs',
]);

function swapKeys<V>(m: Map<number, V>, a: number, b: number): void {
  const x = m.get(a);
  const y = m.get(b);
  m.delete(a);
  m.delete(b);
  if (y !== undefined) m.set(a, y);
  if (x !== undefined) m.set(b, x);
}
