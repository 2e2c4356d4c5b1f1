import type { TcpPacket } from '@tcplens/packet';
import { BatchBuilder, BatchReader } from '@tcplens/wire';
import { ConnectionTracker, type ConnectionRecord, type TrackerOptions } from '@tcplens/lifecycle';

/**
 * decode → wire batch → lifecycle: the path every packet takes, in `tcplens analyze` as in the
 * distributed pipeline (where the batch crosses Kafka between the two halves). Running analyze through
 * the wire format is what guarantees a connection gets the same record either way.
 */
export class Pipeline {
  private readonly builder: BatchBuilder;
  private readonly reader = new BatchReader();
  private readonly tracker: ConnectionTracker;
  batches = 0;
  packets = 0;

  constructor(opts: TrackerOptions & { sensorId: string; batchRecords?: number }, emit: (r: ConnectionRecord) => void) {
    this.builder = new BatchBuilder(opts.sensorId, opts.batchRecords ?? 4096);
    this.tracker = new ConnectionTracker(opts, emit);
  }

  /** Called for every decoded segment (the decoder's reused object); copies it into the batch. */
  readonly push = (p: TcpPacket): void => {
    if (!this.builder.append(p)) {
      this.drain();
      this.builder.append(p);
    }
  };

  /** Hands the pending batch to the tracker. Call before awaiting anything that needs the records. */
  drain(): void {
    if (this.builder.size === 0) return;
    const batch = this.reader.open(this.builder.finish());
    const cursor = batch.packets();
    // The batch says which sensor saw its packets; with several sensors (the distributed path)
    // the tracker merges their views of one connection.
    const sensor = this.tracker.sensorIndex(batch.sensorId);
    let lastUs = 0;
    while (cursor.next()) {
      this.tracker.process(cursor, sensor);
      lastUs = cursor.tsSec * 1e6 + Math.floor(cursor.tsNsec / 1000);
    }
    this.packets += batch.count;
    this.batches++;
    this.builder.reset();
    this.tracker.advance(lastUs);
  }

  /** Expires connections up to `nowUs` when no packet has moved time forward (live capture, idle). */
  advance(nowUs: number): void {
    this.drain();
    this.tracker.advance(nowUs);
  }

  /** End of input: every connection still in the table is emitted. */
  finish(): void {
    this.drain();
    this.tracker.flush();
  }

  /** Anomalies the tracker counted, by Zeek weird name. */
  get weirds(): Record<string, number> {
    return this.tracker.stats.weirds;
  }
}
