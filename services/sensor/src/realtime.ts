/**
 * `--read FILE --realtime`: every packet is handed on at the wall-clock moment its timestamp calls
 * for (first packet at start, packet t at start + (t - t0)), however sparse the capture.
 *
 * The capture reader parses a whole chunk of the file in one synchronous pass, so a packet whose
 * moment has not come yet is held: copied into a wire batch (80 bytes, no object per packet), and
 * released in file order by release(), which the reader awaits before it parses the next chunk and
 * once more at the end of the input. Held packets are bounded by one chunk of the file. Waiting
 * per chunk instead (what this replaced) handed a sparse capture's whole chunk (64 KiB: up to ~900
 * packets, possibly minutes of traffic) at once.
 */
import type { TcpPacket } from '@tcplens/packet';
import { BatchBuilder, BatchReader } from '@tcplens/wire';

const HOLD_CAPACITY = 4096;

export class RealtimePacer {
  private startMs = -1;
  private t0Us = 0;
  /** Batches of held packets, oldest first; the last one is being filled. */
  private readonly held: BatchBuilder[] = [];
  private readonly spare: BatchBuilder[] = [];
  private readonly reader = new BatchReader();
  private heldCount = 0;

  constructor(
    private readonly sensorId: string,
    /** Where released packets go (the sensor's watermark logic and publisher). */
    private readonly deliver: (p: TcpPacket) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Packets waiting for their moment. */
  get holding(): number {
    return this.heldCount;
  }

  /** The wall-clock moment (performance.now() ms) packet time tUs is due. */
  dueMs(tUs: number): number {
    return this.startMs + (tUs - this.t0Us) / 1000;
  }

  /** The reader's per-packet callback: delivers now when due and nothing is held, else holds a copy. */
  readonly offer = (p: TcpPacket): void => {
    const t = p.tsSec * 1_000_000 + Math.floor(p.tsNsec / 1000);
    if (this.startMs < 0) {
      this.startMs = this.now();
      this.t0Us = t;
    }
    if (this.heldCount === 0 && this.dueMs(t) <= this.now()) {
      this.deliver(p);
      return;
    }
    let b = this.held[this.held.length - 1];
    if (b === undefined || b.full) {
      b = this.spare.pop() ?? new BatchBuilder(this.sensorId, HOLD_CAPACITY);
      this.held.push(b);
    }
    b.append(p);
    this.heldCount++;
  };

  /**
   * Delivers every held packet at its moment, in order. When `stop` is aborted the rest is
   * delivered at once (nothing read is lost; the replay just stops being paced).
   */
  async release(stop: AbortSignal): Promise<void> {
    while (this.held.length > 0) {
      const b = this.held.shift()!;
      const cursor = this.reader.open(b.finish()).packets();
      while (cursor.next()) {
        const t = cursor.tsSec * 1_000_000 + Math.floor(cursor.tsNsec / 1000);
        const wait = this.dueMs(t) - this.now();
        if (wait >= 1 && !stop.aborted) await sleep(wait, stop);
        this.deliver(cursor);
        this.heldCount--;
      }
      b.reset();
      this.spare.push(b);
    }
  }
}

function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done, { once: true });
  });
}
