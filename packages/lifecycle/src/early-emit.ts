/**
 * The early-emit queue (option emitClosedAfterUs): slots whose close completed, with the event
 * time at which they are due to be looked at. A FIFO ring of (slot, due) in typed arrays, grown
 * by doubling: entries are appended when the linger starts, in packet-time order, so the queue is
 * ordered by due time up to the small disorder of packets from different sensors (an entry
 * behind a later one waits for it; the delay is bounded by that disorder).
 *
 * Entries are not removed when a slot is released: the tracker checks, when an entry comes
 * due, that the slot still lingers and has not been emitted early; a stale entry of a reused
 * slot is then harmless (the quiet time is checked against the slot's own last packet).
 */
export class EarlyEmitQueue {
  private slots = new Int32Array(1024);
  private due = new Float64Array(1024);
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(slot: number, dueUs: number): void {
    if (this.count === this.slots.length) this.grow();
    const i = (this.head + this.count) & (this.slots.length - 1);
    this.slots[i] = slot;
    this.due[i] = dueUs;
    this.count++;
  }

  /** The slot at the head when it is due at or before nowUs (and removes it), else -1. */
  popDue(nowUs: number): number {
    if (this.count === 0) return -1;
    const h = this.head;
    if (this.due[h]! > nowUs) return -1;
    this.head = (h + 1) & (this.slots.length - 1);
    this.count--;
    return this.slots[h]!;
  }

  private grow(): void {
    const n = this.slots.length * 2;
    const slots = new Int32Array(n);
    const due = new Float64Array(n);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (this.slots.length - 1);
      slots[k] = this.slots[i]!;
      due[k] = this.due[i]!;
    }
    this.slots = slots;
    this.due = due;
    this.head = 0;
  }
}
