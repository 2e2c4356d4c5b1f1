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
 * Safe offset: an offset x from which a re-read by a fresh PartitionState rebuilds every
 * connection with a packet at or after x whole, and misses none this state has not yet emitted.
 * The ConnectionTracker hands each record over with the positions (message offset and packet
 * index, see `position`) of its connection's first and last packet, so x is safe when
 *   - x <= the first offset of every connection still open (lingering ones included), and
 *   - every emitted connection with first < x <= last ("spanning" x) is carried with x: the
 *     service commits them as the offset's metadata, and a state started at x from that commit
 *     drops their packets (spanning.ts), instead of building fragments of them;
 *   - the sensors' views and the event time as of x go with it (a log of their changes since the
 *     candidate is replayed up to each new candidate), so the restarted state's event time is the
 *     same at every message as this one's.
 * Connections are grouped by the offset of their first packet (`groups`, in offset order); a group
 * leaves the front once all its connections are emitted, handing over its connections that span
 * later messages. The front group's offset (or the next offset, when no group is left) is the
 * candidate; it becomes safeOffset when its spanning connections fit the metadata budget. Once
 * safe, an offset stays safe. Records emitted before it have been handed to the writer; the
 * service commits it once the writer has flushed them. See docs/architecture.md, "Exactly once".
 */
import type { TcpPacket } from '@tcplens/packet';
import { BatchKind, BatchReader, WireError, type Watermark, emptyWatermark, WatermarkReason } from '@tcplens/wire';
import { ConnectionTracker, type ConnectionRecord, type TrackerOptions } from '@tcplens/lifecycle';
import { addressBytes, EMPTY_COMMIT_POINT, encodeCommitPoint, SPANNING_MAX_CHARS, type CommitPoint, type Spanning } from './spanning.js';

/**
 * position = (offset - start offset) * INDEX_SPAN + packet index: a batch holds < 2^18 records
 * (wire MAX_CAPACITY), and a state reads < 2^35 messages before positions leave the exact doubles.
 */
const INDEX_SPAN = 2 ** 18;

export interface SensorView {
  clockUs: number;
  ended: boolean;
  last: Watermark;
}

/** The connections whose first packet came in the message at `offset`. */
interface OpenGroup {
  offset: number;
  /** Of them, not yet emitted. */
  open: number;
  /** Of those emitted, the ones whose last packet came in a later message. */
  spans: Spanning[] | null;
}

/** A sensor view (and the event time) after the message at `offset` changed it. */
interface ViewChange {
  offset: number;
  name: string;
  clockUs: number;
  ended: boolean;
  eventTimeUs: number;
}

/** A carried spanning connection: its packets up to lastPos are dropped. */
interface Drop {
  orig: Uint8Array;
  origP: number;
  resp: Uint8Array;
  respP: number;
  lastPos: number;
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
  /** Groups not yet fully emitted (and the one being left), oldest first, from index `head`. */
  private groups: OpenGroup[] = [];
  private head = 0;
  /** Spanning connections of the groups that left: those ending at or after `candidate`. */
  private spans: Spanning[] = [];
  private candidate: number;
  /** Carried connections whose packets are still to be dropped. */
  private drops: Drop[];
  /** The group of the packets message being applied. */
  private current: OpenGroup | null = null;
  private releasedNow = 0;
  /** The latest record of each emitted connection still in the table spanning messages, by first position. */
  private readonly pairs = new Map<number, ConnectionRecord>();
  private lastRecord: ConnectionRecord | null = null;
  private lastFirst = -1;
  /** Sensor views and event time as of `candidate`, and their changes since (oldest first, from viewHead). */
  private readonly viewsAtCandidate = new Map<string, { clockUs: number; ended: boolean }>();
  private eventTimeAtCandidate: number;
  private viewLog: ViewChange[] = [];
  private viewHead = 0;
  /** Commit metadata for safeOffset: its spanning connections, sensor views, event time (spanning.ts). */
  safeMetadata = '';
  /** Packets dropped as the tail of a connection emitted before the start offset. */
  droppedPackets = 0;
  /** Candidates not taken because their spanning connections did not fit the metadata budget. */
  tooManySpanning = 0;

  constructor(
    readonly partition: number,
    readonly startOffset: number,
    private readonly opts: TrackerOptions & { staleSensorUs: number },
    private readonly emit: (r: ConnectionRecord) => void,
    /** What the commit of startOffset carries (decodeCommitPoint of its metadata). */
    carried: CommitPoint = EMPTY_COMMIT_POINT,
  ) {
    this.nextOffset = startOffset;
    this.safeOffset = startOffset;
    this.committedOffset = startOffset;
    this.candidate = startOffset;
    this.spans = carried.spanning.filter((c) => c.lastOffset >= startOffset);
    for (const v of carried.sensors) {
      this.sensors.set(v.name, { clockUs: v.clockUs, ended: v.ended, last: emptyWatermark() });
      this.viewsAtCandidate.set(v.name, { clockUs: v.clockUs, ended: v.ended });
    }
    this.advancedUs = this.eventTimeAtCandidate = carried.eventTimeUs;
    this.safeMetadata = this.commitText();
    this.drops = this.spans.map((c) => ({
      orig: addressBytes(c.origH), origP: c.origP, resp: addressBytes(c.respH), respP: c.respP,
      lastPos: this.pos(c.lastOffset, c.lastIndex),
    }));
  }

  private pos(offset: number, index: number): number {
    return (offset - this.startOffset) * INDEX_SPAN + index;
  }

  private offsetOf(pos: number): number {
    return this.startOffset + Math.floor(pos / INDEX_SPAN);
  }

  get openConnections(): number {
    return this.tracker?.openConnections ?? 0;
  }

  /** Event time in µs (0 before any watermark). */
  get eventTimeUs(): number {
    return this.advancedUs;
  }

  /** Offset of the first packet of the oldest connection still open (null: none open). */
  get oldestOpenOffset(): number | null {
    for (let i = this.head; i < this.groups.length; i++) if (this.groups[i]!.open > 0) return this.groups[i]!.offset;
    return null;
  }

  /** Applies one message; a malformed one changes nothing but the offsets and is reported. */
  handle(value: Buffer | null, offset: number): { outcome: MessageOutcome; error?: WireError } {
    this.nextOffset = offset + 1;
    const r = this.apply(value, offset);
    this.advanceSafe();
    return r;
  }

  /**
   * Each record with its connection's first and last packet positions (ConnectionTracker.position).
   * A record can come while its connection still lingers (emitted early) and again, if it changed,
   * right before it leaves. The address/port pair of one whose packets span messages is kept, by
   * first position (one connection per packet), until it leaves; a later packet would have changed
   * it, so its last record has its final last position.
   */
  private readonly emitted = (r: ConnectionRecord, first: number, last: number): void => {
    this.lastRecord = r;
    this.lastFirst = first;
    if (this.offsetOf(last) > this.offsetOf(first)) this.pairs.set(first, r);
    this.emit(r);
  };

  /** A connection left the table (after its last emit): its group has one open connection less. */
  private readonly released = (first: number, last: number): void => {
    this.releasedNow++;
    const firstOffset = this.offsetOf(first);
    let g = this.current;
    if (g === null || g.offset !== firstOffset) g = this.group(firstOffset);
    g.open--;
    const lastOffset = this.offsetOf(last);
    if (lastOffset > firstOffset) {
      const r = this.lastFirst === first ? this.lastRecord : this.pairs.get(first);
      this.pairs.delete(first);
      // An invariant, not input: every connection is emitted at least once before it leaves.
      if (r === null || r === undefined) throw new Error(`partition ${this.partition}: a connection left the table unemitted`);
      (g.spans ??= []).push({ origH: r.orig_h, origP: r.orig_p, respH: r.resp_h, respP: r.resp_p, lastOffset, lastIndex: last - this.pos(lastOffset, 0) });
    }
  };

  /** The group of connections first seen at `offset` (binary search; it exists while one is open). */
  private group(offset: number): OpenGroup {
    const gs = this.groups;
    let lo = this.head;
    let hi = gs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const o = gs[mid]!.offset;
      if (o === offset) return gs[mid]!;
      if (o < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    // An invariant, not input: every connection the tracker emits was opened by a message here.
    throw new Error(`partition ${this.partition}: a connection first seen at offset ${offset} has no group`);
  }

  /** Pops fully emitted groups and moves safeOffset to the latest candidate proven safe. */
  private advanceSafe(): void {
    const gs = this.groups;
    for (;;) {
      const front = this.head < gs.length ? gs[this.head]! : null;
      this.consider(front === null ? this.nextOffset : front.offset);
      if (front === null || front.open > 0) break;
      if (front.spans !== null) for (const c of front.spans) this.spans.push(c);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > gs.length) {
      this.groups = gs.slice(this.head);
      this.head = 0;
    }
  }

  /** x is safe if what it must carry fits the commit metadata. */
  private consider(x: number): void {
    if (x > this.candidate) {
      this.candidate = x;
      this.spans = this.spans.filter((c) => c.lastOffset >= x);
      const log = this.viewLog;
      for (; this.viewHead < log.length && log[this.viewHead]!.offset < x; this.viewHead++) {
        const c = log[this.viewHead]!;
        this.viewsAtCandidate.set(c.name, { clockUs: c.clockUs, ended: c.ended });
        this.eventTimeAtCandidate = c.eventTimeUs;
      }
      if (this.viewHead > 1024 && this.viewHead * 2 > log.length) {
        this.viewLog = log.slice(this.viewHead);
        this.viewHead = 0;
      }
    } else if (this.spans.some((c) => c.lastOffset < x)) {
      this.spans = this.spans.filter((c) => c.lastOffset >= x);
    }
    if (x <= this.safeOffset) return;
    const meta = this.commitText();
    if (meta.length > SPANNING_MAX_CHARS) {
      this.tooManySpanning++;
      return;
    }
    this.safeOffset = x;
    this.safeMetadata = meta;
  }

  private commitText(): string {
    return encodeCommitPoint({
      spanning: this.spans,
      sensors: [...this.viewsAtCandidate].map(([name, v]) => ({ name, clockUs: v.clockUs, ended: v.ended })),
      eventTimeUs: this.eventTimeAtCandidate,
    });
  }

  private logView(offset: number, name: string, v: SensorView): void {
    this.viewLog.push({ offset, name, clockUs: v.clockUs, ended: v.ended, eventTimeUs: this.advancedUs });
  }

  private apply(value: Buffer | null, offset: number): { outcome: MessageOutcome; error?: WireError } {
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
      const known = this.sensors.has(name);
      const view = this.sensor(name);
      const changed = !known || view.ended;
      view.ended = false;
      if (changed) this.logView(offset, name, view);
      // The first sensor becomes sensor 0, as in `tcplens analyze` (one sensor: identical records).
      // multiSensor from the first packet: a connection that starts before another sensor's first
      // batch reached this partition must still recognise that sensor's copies (seen: every early
      // connection of the three-host test stored once per sensor without it).
      let t = this.tracker;
      if (t === null) {
        t = this.tracker = new ConnectionTracker({ ...this.opts, sensorId: name, multiSensor: true }, this.emitted);
        t.onRelease = this.released;
      }
      const s = t.sensorIndex(name);
      const g: OpenGroup = { offset, open: 0, spans: null };
      this.current = g;
      this.releasedNow = 0;
      const before = t.openConnections;
      const base = this.pos(offset, 0);
      const cursor = b.packets();
      if (this.drops.length > 0) this.drops = this.drops.filter((d) => d.lastPos >= base);
      for (let i = 0; cursor.next(); i++) {
        t.position = base + i;
        if (this.drops.length > 0 && this.carriedTail(cursor, base + i)) continue;
        t.process(cursor, s);
      }
      this.current = null;
      // Opened here = growth of the table + everything that left it meanwhile.
      g.open += t.openConnections - before + this.releasedNow;
      if (g.open > 0) this.groups.push(g);
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
      this.logView(offset, b.sensorId, view);
      return { outcome: 'watermark' };
    }
    return { outcome: 'unknown_kind' };
  }

  /** Whether p is a packet of a carried connection (emitted before the start offset). */
  private carriedTail(p: TcpPacket, pos: number): boolean {
    for (const d of this.drops) {
      if (pos > d.lastPos) continue;
      const fwd = p.srcPort === d.origP && p.dstPort === d.respP && sameBytes(p.src, d.orig) && sameBytes(p.dst, d.resp);
      if (fwd || (p.srcPort === d.respP && p.dstPort === d.origP && sameBytes(p.src, d.resp) && sameBytes(p.dst, d.orig))) {
        this.droppedPackets++;
        return true;
      }
    }
    return false;
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

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}
