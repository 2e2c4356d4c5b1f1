/**
 * Expiry in event time. Every live connection sits on exactly one list, by its timeout class:
 *
 *   ATTEMPT       originator SYN_SENT/SYN_ACK_SENT, responder INACTIVE   since first SYN   attemptTimeoutUs
 *   ACTIVE        everything else not yet closed                        since last packet inactivityTimeoutUs
 *   LINGER_CLOSE  close complete (Zeek's ConnDeleteTimer)               since the close   closeLingerUs
 *   LINGER_RESET  a RST was part of the close (Zeek's ResetTimer)       since the close   resetLingerUs
 *
 * Within a list, connections are in order of `clsSinceUs` (ACTIVE moves a connection to the
 * tail on each packet; the other classes never move), so the head has the earliest deadline:
 * expiry costs O(1) per expired connection, nothing per packet beyond a relink.
 */
import { Conn, TimeoutClass, type TimeoutClassValue } from './conn.js';

class ConnList {
  head: Conn | null = null;
  tail: Conn | null = null;

  append(c: Conn): void {
    c.prev = this.tail;
    c.next = null;
    if (this.tail !== null) this.tail.next = c;
    else this.head = c;
    this.tail = c;
  }

  unlink(c: Conn): void {
    if (c.prev !== null) c.prev.next = c.next;
    else this.head = c.next;
    if (c.next !== null) c.next.prev = c.prev;
    else this.tail = c.prev;
    c.prev = c.next = null;
  }
}

export class TimeoutLists {
  private readonly lists = [new ConnList(), new ConnList(), new ConnList(), new ConnList()] as const;
  private readonly durations: readonly [number, number, number, number];

  constructor(attemptUs: number, inactivityUs: number, closeLingerUs: number, resetLingerUs: number) {
    this.durations = [attemptUs, inactivityUs, closeLingerUs, resetLingerUs];
  }

  deadline(c: Conn): number {
    return c.cls === TimeoutClass.NONE ? Infinity : c.clsSinceUs + this.durations[c.cls];
  }

  /** Puts c on the list of class `cls`; for ACTIVE (or a class change) at the tail, since `sinceUs`. */
  place(c: Conn, cls: TimeoutClassValue, sinceUs: number): void {
    if (cls === c.cls) {
      if (cls !== TimeoutClass.ACTIVE) return;
      const list = this.lists[cls];
      if (list.tail !== c) {
        list.unlink(c);
        list.append(c);
      }
      c.clsSinceUs = sinceUs;
      return;
    }
    if (c.cls !== TimeoutClass.NONE) this.lists[c.cls].unlink(c);
    c.cls = cls;
    c.clsSinceUs = sinceUs;
    if (cls !== TimeoutClass.NONE) this.lists[cls].append(c);
  }

  remove(c: Conn): void {
    this.place(c, TimeoutClass.NONE, 0);
  }

  /** The connection with the earliest deadline ≤ nowUs, or null. */
  nextExpired(nowUs: number): Conn | null {
    let best: Conn | null = null;
    let bestDeadline = Infinity;
    for (let i = 0; i < 4; i++) {
      const h = this.lists[i as 0 | 1 | 2 | 3].head;
      if (h === null) continue;
      const d = this.deadline(h);
      if (d <= nowUs && d < bestDeadline) [best, bestDeadline] = [h, d];
    }
    return best;
  }
}
