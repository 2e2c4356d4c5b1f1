/**
 * Expiry in event time. Every live connection sits on exactly one list, by its timeout class:
 *
 *   ATTEMPT       originator SYN_SENT/SYN_ACK_SENT, responder INACTIVE   since first SYN   attemptTimeoutUs
 *   ACTIVE        everything else not yet closed                        since last packet inactivityTimeoutUs
 *   LINGER_CLOSE  close complete (Zeek's ConnDeleteTimer)               since the close   closeLingerUs
 *   LINGER_RESET  a RST was part of the close (Zeek's ResetTimer)       since the close   resetLingerUs
 *
 * Within a list, connections are in order of `clsSince` (ACTIVE moves a connection to the
 * tail on each packet; the other classes never move), so the head has the earliest deadline:
 * expiry costs O(1) per expired connection, nothing per packet beyond a relink.
 */
import { TimeoutClass, type TimeoutClassValue } from './conn.js';
import { Col, type Store } from './store.js';

/** Doubly linked lists of slots through store.prev / store.next (-1 = none). */
export class TimeoutLists {
  private readonly heads = new Int32Array(4).fill(-1);
  private readonly tails = new Int32Array(4).fill(-1);
  private readonly durations: readonly [number, number, number, number];

  constructor(
    private readonly st: Store,
    attemptUs: number, inactivityUs: number, closeLingerUs: number, resetLingerUs: number,
  ) {
    this.durations = [attemptUs, inactivityUs, closeLingerUs, resetLingerUs];
  }

  /** The duration of class `cls` (not NONE). */
  durationOf(cls: number): number {
    return this.durations[cls as 0 | 1 | 2 | 3];
  }

  /**
   * Moves slot s, already on the ACTIVE list, to its tail (the fast path of place(s, ACTIVE, ..);
   * the caller sets clsSince).
   */
  touchActive(s: number): void {
    if (this.tails[TimeoutClass.ACTIVE] !== s) {
      this.unlink(s, TimeoutClass.ACTIVE);
      this.append(s, TimeoutClass.ACTIVE);
    }
  }

  cls(s: number): TimeoutClassValue {
    return ((this.st.phaseCls[s]! >> 4) - 1) as TimeoutClassValue;
  }

  deadline(s: number): number {
    const cls = this.cls(s);
    if (cls === TimeoutClass.NONE) return Infinity;
    return this.st.getT(this.st.clsSince, Col.CLS_SINCE, s, s) + this.durations[cls];
  }

  /** Puts slot s on the list of class `cls`; for ACTIVE (or a class change) at the tail, since `sinceUs`. */
  place(s: number, cls: TimeoutClassValue, sinceUs: number): void {
    const st = this.st;
    const cur = this.cls(s);
    if (cls === cur) {
      if (cls !== TimeoutClass.ACTIVE) return;
      if (this.tails[cls] !== s) {
        this.unlink(s, cls);
        this.append(s, cls);
      }
      st.setT(st.clsSince, Col.CLS_SINCE, s, s, sinceUs);
      return;
    }
    if (cur !== TimeoutClass.NONE) this.unlink(s, cur);
    st.phaseCls[s] = (st.phaseCls[s]! & 15) | ((cls + 1) << 4);
    if (cls === TimeoutClass.NONE) return;
    st.setT(st.clsSince, Col.CLS_SINCE, s, s, sinceUs);
    this.append(s, cls);
  }

  remove(s: number): void {
    this.place(s, TimeoutClass.NONE, 0);
  }

  /** The slot with the earliest deadline ≤ nowUs, or -1. */
  nextExpired(nowUs: number): number {
    let best = -1;
    let bestDeadline = Infinity;
    for (let i = 0; i < 4; i++) {
      const h = this.heads[i]!;
      if (h < 0) continue;
      const d = this.deadline(h);
      if (d <= nowUs && d < bestDeadline) {
        best = h;
        bestDeadline = d;
      }
    }
    return best;
  }

  private append(s: number, cls: number): void {
    const st = this.st;
    const tail = this.tails[cls]!;
    st.prev[s] = tail;
    st.next[s] = -1;
    if (tail >= 0) st.next[tail] = s;
    else this.heads[cls] = s;
    this.tails[cls] = s;
  }

  private unlink(s: number, cls: number): void {
    const st = this.st;
    const p = st.prev[s]!;
    const n = st.next[s]!;
    if (p >= 0) st.next[p] = n;
    else this.heads[cls] = n;
    if (n >= 0) st.prev[n] = p;
    else this.tails[cls] = p;
    st.prev[s] = st.next[s] = -1;
  }
}
