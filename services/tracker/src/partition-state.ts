/**
 * One partition's connection state: its ConnectionTracker, every sensor's latest watermark there,
 * and the offsets that make exactly-once possible.
 *
 * Event time: the partition's clock is the minimum over the sensors seen on it of their latest
 * watermark (a sensor's watermark promises that its packets up to that time are already in the
 * partition). Sensors that ended their input do not hold it back; a sensor whose watermark is more
 * than `staleSensorUs` behind the newest one is taken as gone. When every sensor seen has ended
 * its input, every connection is emitted. Nothing here reads a wall clock.
 *
 * Safe offset: the next offset after a message at whose end the tracker held no open connection.
 * Restarting from there rebuilds exactly the state the tracker had (none), so no connection is split;
 * connections emitted before it have been handed to the writer. The service commits it once the
 * writer has flushed.
 */
import { BatchKind, BatchReader, WireError, type Watermark, emptyWatermark, WatermarkReason } from '@tcplens/wire';
import { ConnectionTracker, type ConnectionRecord, type TrackerOptions } from '@tcplens/lifecycle';

export interface SensorView {
  clockUs: number;
  ended: boolean;
  last: Watermark;
}

export type MessageOutcome = 'packets' | 'watermark' | 'empty' | 'unknown_kind' | WireError['code'];

export class PartitionState {
  private tracker: ConnectionTracker | null = null;
  readonly sensors = new Map<string, SensorView>();
  private readonly reader = new BatchReader();
  private advancedUs = 0;
  /** Offset of the next message this state expects (continuity check). */
  nextOffset: number;
  /** Next offset to read after a restart that loses this state; see the file comment. */
  safeOffset: number;
  committedOffset: number;
  packets = 0;

  constructor(
    readonly partition: number,
    startOffset: number,
    private readonly opts: TrackerOptions & { staleSensorUs: number },
    private readonly emit: (r: ConnectionRecord) => void,
  ) {
    this.nextOffset = startOffset;
    this.safeOffset = startOffset;
    this.committedOffset = startOffset;
  }

  get openConnections(): number {
    return this.tracker?.openConnections ?? 0;
  }

  /** Event time in µs (0 before any watermark). */
  get eventTimeUs(): number {
    return this.advancedUs;
  }

  /** Applies one message; a malformed one changes nothing but the offsets and is reported. */
  handle(value: Buffer | null, offset: number): { outcome: MessageOutcome; error?: WireError } {
    this.nextOffset = offset + 1;
    const r = this.apply(value);
    if (this.openConnections === 0) this.safeOffset = offset + 1;
    return r;
  }

  private apply(value: Buffer | null): { outcome: MessageOutcome; error?: WireError } {
    if (value === null || value.length === 0) return { outcome: 'empty' };
    const b = this.reader;
    try {
      b.open(value);
    } catch (err) {
      if (err instanceof WireError) return { outcome: err.code, error: err };
      throw err;
    }
    if (b.kind === BatchKind.packets) {
      const name = b.sensorId;
      const view = this.sensor(name);
      view.ended = false;
      // The first sensor becomes sensor 0, as in `tcplens analyze` (one sensor: identical records).
      // multiSensor from the first packet: a connection that starts before another sensor's first
      // batch reached this partition must still recognise that sensor's copies (seen: every early
      // connection of the three-host test stored once per sensor without it).
      const t = (this.tracker ??= new ConnectionTracker({ ...this.opts, sensorId: name, multiSensor: true }, this.emit));
      const s = t.sensorIndex(name);
      const cursor = b.packets();
      while (cursor.next()) t.process(cursor, s);
      this.packets += b.count;
      return { outcome: 'packets' };
    }
    if (b.kind === BatchKind.watermark) {
      const view = this.sensor(b.sensorId);
      b.watermark(view.last);
      const us = view.last.clockSec * 1_000_000 + Math.floor(view.last.clockNsec / 1000);
      if (us > view.clockUs) view.clockUs = us;
      view.ended = view.last.reason === WatermarkReason.end_of_input;
      this.onWatermark();
      return { outcome: 'watermark' };
    }
    return { outcome: 'unknown_kind' };
  }

  private sensor(name: string): SensorView {
    let v = this.sensors.get(name);
    if (v === undefined) {
      v = { clockUs: 0, ended: false, last: emptyWatermark() };
      this.sensors.set(name, v);
    }
    return v;
  }

  private onWatermark(): void {
    let newest = 0;
    let allEnded = true;
    for (const v of this.sensors.values()) {
      if (v.clockUs > newest) newest = v.clockUs;
      if (!v.ended) allEnded = false;
    }
    if (allEnded) {
      this.tracker?.flush();
      if (newest > this.advancedUs) this.advancedUs = newest;
      return;
    }
    let min = Infinity;
    for (const v of this.sensors.values()) {
      if (v.ended || newest - v.clockUs > this.opts.staleSensorUs) continue;
      if (v.clockUs < min) min = v.clockUs;
    }
    if (min !== Infinity && min > this.advancedUs) {
      this.advancedUs = min;
      this.tracker?.advance(min);
    }
  }
}
