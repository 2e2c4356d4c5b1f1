/**
 * The tracker service: a consumer-group member that owns some partitions of the wire topic, keeps a
 * PartitionState per owned partition, writes the records it emits, and commits each partition's
 * safe offset only after the writer flushed every record emitted before it (see docs/architecture.md,
 * "Distributed path"). It never commits past the first packet of a connection still open, and
 * commits the connections spanning the offset as its metadata, so a killed tracker, or a partition
 * moved by a rebalance, is rebuilt from the committed offset (and that metadata) without splitting
 * or losing a connection; records emitted twice carry the same deterministic uid and collapse in the
 * ReplacingMergeTree (queries use FINAL).
 */
import type { ConsumedBatch, KafkaAdmin, KafkaClient, KafkaConsumer } from '@tcplens/kafka';
import type { ConnectionRecord, TrackerOptions } from '@tcplens/lifecycle';
import type { Store, Writer } from '@tcplens/store';
import type { Sample } from '@tcplens/service';
import { PartitionState } from './partition-state.js';
import { RateLimitedLog } from './rate-limited-log.js';
import { decodeCommitPoint, EMPTY_COMMIT_POINT, type CommitPoint } from './spanning.js';

export interface ServiceLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TrackerServiceConfig {
  topic: string;
  groupId: string;
  commitIntervalMs: number;
  /**
   * Write emitted records this often when it is shorter than commitIntervalMs (how soon a record is
   * queryable); each commit still flushes first. Default: only at commits.
   */
  flushIntervalMs?: number;
  batchRows: number;
  staleSensorUs: number;
  /** Lifecycle timeouts etc.; the sensor id is taken from the first batch of each partition. */
  tracker?: Omit<TrackerOptions, 'sensorId'>;
}

export interface TrackerServiceStats {
  messages: number;
  watermarks: number;
  recordsEmitted: number;
  commits: number;
  commitFailures: number;
  stateResets: number;
  /** Commit metadata found at a committed offset that is not ours (ignored). */
  foreignMetadata: number;
}

export class TrackerService {
  readonly stats: TrackerServiceStats = { messages: 0, watermarks: 0, recordsEmitted: 0, commits: 0, commitFailures: 0, stateResets: 0, foreignMetadata: 0 };
  readonly malformed: RateLimitedLog;
  private readonly states = new Map<number, PartitionState>();
  private readonly writer: Writer;
  private consumer: KafkaConsumer | null = null;
  private admin: KafkaAdmin | null = null;
  private assignment: unknown = null;
  private pendingWrite: Promise<void> | null = null;
  private commitChain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing = false;
  private stopping = false;
  /** Set when the service cannot go on (a failed store write); runTracker exits non-zero. */
  failure: Error | null = null;
  onFailure: ((err: Error) => void) | null = null;

  constructor(
    private readonly cfg: TrackerServiceConfig,
    private readonly kafka: KafkaClient,
    private readonly store: Store,
    private readonly log: ServiceLogger,
  ) {
    this.writer = store.writer({ batchRows: cfg.batchRows });
    this.malformed = new RateLimitedLog(log);
  }

  async start(): Promise<void> {
    const c = await this.kafka.consumer({
      groupId: this.cfg.groupId,
      onCrash: (err, restarting) => {
        this.log.warn({ err: err.message, restarting }, 'consumer crashed');
        if (!restarting) this.fail(err);
      },
    });
    this.consumer = c;
    this.admin = await this.kafka.admin();
    await c.subscribe(this.cfg.topic, { fromBeginning: true });
    await c.run({ autoCommit: false, eachBatch: (b) => this.eachBatch(b) });
    this.timer = setInterval(() => void this.commitNow(), this.cfg.commitIntervalMs);
    const f = this.cfg.flushIntervalMs;
    if (f !== undefined && f < this.cfg.commitIntervalMs) this.flushTimer = setInterval(() => this.flushNow(), f);
  }

  /** Final write and commit, then leaves the group (SIGTERM). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.commitNow();
    await this.consumer?.disconnect().catch((e: Error) => this.log.warn({ err: e.message }, 'consumer disconnect failed'));
    await this.admin?.disconnect().catch((e: Error) => this.log.warn({ err: e.message }, 'admin disconnect failed'));
    await this.writer.flush();
  }

  get openConnections(): number {
    let n = 0;
    for (const s of this.states.values()) n += s.openConnections;
    return n;
  }

  get writtenRows(): number {
    return this.writer.stats.rows;
  }

  /** Partitions of the topic the group gave this member at its last join. */
  assignedPartitions(): readonly number[] {
    return this.consumer?.assignment().get(this.cfg.topic) ?? [];
  }

  /** Partitions with state, and their offsets. */
  partitions(): { partition: number; next: number; safe: number; committed: number; open: number; oldestOpen: number | null; eventTimeUs: number }[] {
    return [...this.states.values()].map((s) => ({
      partition: s.partition, next: s.nextOffset, safe: s.safeOffset, committed: s.committedOffset, open: s.openConnections,
      oldestOpen: s.oldestOpenOffset, eventTimeUs: s.eventTimeUs,
    }));
  }

  /**
   * Writes every record emitted so far, then commits the safe offsets taken BEFORE the write (so
   * every record a committed offset has consumed is in the store). Calls run one after another.
   */
  commitNow(): Promise<void> {
    const run = async (): Promise<void> => {
      const offsets: { topic: string; partition: number; offset: string; metadata: string }[] = [];
      const marks: [PartitionState, number][] = [];
      for (const s of this.states.values()) {
        if (s.safeOffset > s.committedOffset) {
          // The offset and what it carries (spanning connections, sensor views), taken together (spanning.ts).
          offsets.push({ topic: this.cfg.topic, partition: s.partition, offset: String(s.safeOffset), metadata: s.safeMetadata });
          marks.push([s, s.safeOffset]);
        }
      }
      try {
        await this.writer.flush();
      } catch (err) {
        this.fail(err as Error);
        return;
      }
      if (offsets.length === 0 || this.consumer === null) return;
      try {
        await this.consumer.commit(offsets);
        for (const [s, o] of marks) s.committedOffset = Math.max(s.committedOffset, o);
        this.stats.commits++;
      } catch (err) {
        // A rebalance made this member's generation stale: the new owner starts from the last
        // committed offset, which is safe; nothing is lost by failing here.
        this.stats.commitFailures++;
        this.log.warn({ err: (err as Error).message, offsets }, 'offset commit failed (rebalance?); the new owner rebuilds from the last commit');
      }
    };
    this.commitChain = this.commitChain.then(run);
    return this.commitChain;
  }

  /** Writes what was emitted so far (between commits, for latency); one flush at a time. */
  private flushNow(): void {
    if (this.flushing || this.stopping || this.failure) return;
    this.flushing = true;
    this.writer
      .flush()
      .catch((err: unknown) => this.fail(err as Error))
      .finally(() => (this.flushing = false));
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.log.error({ err: err.message, code: (err as { code?: string }).code }, 'tracker cannot go on');
    this.onFailure?.(err);
  }

  private readonly emit = (r: ConnectionRecord): void => {
    this.stats.recordsEmitted++;
    const w = this.writer.write(r);
    if (w) this.pendingWrite = w;
    // Catching up, the main thread runs through thousands of messages without yielding, so the
    // flush timer cannot fire and the batch would grow to --batch-rows before any insert starts.
    // Cut it on time here too: the insert then runs (off-thread) while reading goes on.
    if ((this.stats.recordsEmitted & 511) === 0 && this.cfg.flushIntervalMs !== undefined) {
      const now = performance.now();
      if (now - this.lastCut >= this.cfg.flushIntervalMs) {
        this.lastCut = now;
        this.pendingWrite = this.writer.seal(); // awaited at the end of the batch: backpressure
      }
    }
  };
  private lastCut = performance.now();

  private async eachBatch(batch: ConsumedBatch): Promise<void> {
    if (this.stopping || this.failure) return;
    // A new generation re-reads every partition from its committed offset: start over.
    const a = this.consumer!.assignment();
    if (a !== this.assignment) {
      this.assignment = a;
      if (this.states.size > 0) this.stats.stateResets++;
      this.states.clear();
    }
    const first = batch.messages[0];
    if (first === undefined) return;
    const firstOffset = Number(first.offset);
    let st = this.states.get(batch.partition);
    // (A state that has read nothing yet may get messages from before its start: they are skipped.)
    const waiting = st !== undefined && st.nextOffset === st.startOffset && firstOffset < st.startOffset;
    if (st !== undefined && st.nextOffset !== firstOffset && !waiting) {
      this.log.info({ partition: batch.partition, expected: st.nextOffset, got: firstOffset }, 'partition re-read from its committed offset; rebuilding its state');
      this.stats.stateResets++;
      st = undefined;
    }
    if (st === undefined) {
      const { start, carried } = await this.startingPoint(batch.partition, firstOffset);
      st = new PartitionState(batch.partition, start, { ...this.cfg.tracker, staleSensorUs: this.cfg.staleSensorUs }, this.emit, carried);
      this.states.set(batch.partition, st);
    }
    for (const m of batch.messages) {
      if (this.stopping || !batch.isRunning()) break;
      if (Number(m.offset) < st.nextOffset) continue; // before the committed offset (see startingPoint)
      const r = st.handle(m.value, Number(m.offset));
      this.stats.messages++;
      if (r.outcome === 'watermark') this.stats.watermarks++;
      else if (r.outcome !== 'packets') {
        this.malformed.note(r.outcome, { partition: batch.partition, offset: m.offset, err: r.error?.message }, 'skipped a message that is not a valid wire batch');
      }
    }
    if (this.pendingWrite) {
      const w = this.pendingWrite;
      this.pendingWrite = null;
      try {
        await w;
      } catch (err) {
        this.fail(err as Error);
      }
    }
  }

  /**
   * Where a new state of `partition` begins, and the connections carried with that offset: the
   * group's committed offset and its metadata. Kafka normally delivers from the committed offset;
   * if it delivers from earlier (a commit of ours landed after the seek), the messages before the
   * committed offset are skipped: everything they produced is stored.
   */
  private async startingPoint(partition: number, firstOffset: number): Promise<{ start: number; carried: CommitPoint }> {
    const all = await this.admin!.fetchOffsets(this.cfg.groupId, this.cfg.topic);
    const c = all.find((x) => x.partition === partition);
    const committed = c === undefined ? -1 : Number(c.offset);
    if (committed < 0) return { start: firstOffset, carried: EMPTY_COMMIT_POINT };
    if (committed < firstOffset) {
      this.log.warn({ partition, committed, first: firstOffset }, 'partition starts after its committed offset (retention?); rebuilding from what is there');
      return { start: firstOffset, carried: EMPTY_COMMIT_POINT };
    }
    try {
      return { start: committed, carried: decodeCommitPoint(c!.metadata) };
    } catch (err) {
      this.stats.foreignMetadata++;
      this.log.warn({ partition, committed, err: (err as Error).message }, 'ignoring commit metadata that is not a tracker\'s');
      return { start: committed, carried: EMPTY_COMMIT_POINT };
    }
  }

  samples(): Sample[] {
    let packets = 0;
    let dropped = 0;
    let overBudget = 0;
    for (const s of this.states.values()) {
      packets += s.packets;
      dropped += s.droppedPackets;
      overBudget += s.tooManySpanning;
    }
    const s: Sample[] = [
      { name: 'tcplens_tracker_messages_total', help: 'Kafka messages consumed', type: 'counter', value: this.stats.messages },
      { name: 'tcplens_tracker_watermarks_total', help: 'watermark messages consumed', type: 'counter', value: this.stats.watermarks },
      { name: 'tcplens_tracker_packets_total', help: 'TCP segments applied (since the current partition states began)', type: 'counter', value: packets },
      { name: 'tcplens_tracker_records_emitted_total', help: 'connection records emitted', type: 'counter', value: this.stats.recordsEmitted },
      { name: 'tcplens_tracker_rows_written_total', help: 'rows inserted into the store', type: 'counter', value: this.writer.stats.rows },
      { name: 'tcplens_tracker_commits_total', help: 'offset commits', type: 'counter', value: this.stats.commits },
      { name: 'tcplens_tracker_commit_failures_total', help: 'failed offset commits', type: 'counter', value: this.stats.commitFailures },
      { name: 'tcplens_tracker_carried_packets_dropped_total', help: 'packets dropped as tails of connections stored before the committed offset (since the current partition states began)', type: 'counter', value: dropped },
      { name: 'tcplens_tracker_commit_candidates_over_budget_total', help: 'safe offsets not taken because the connections spanning them did not fit the commit metadata (since the current partition states began)', type: 'counter', value: overBudget },
      { name: 'tcplens_tracker_foreign_commit_metadata_total', help: 'committed offsets found with metadata not written by a tracker (ignored)', type: 'counter', value: this.stats.foreignMetadata },
      { name: 'tcplens_tracker_state_resets_total', help: 'partition states dropped to be rebuilt (rebalance, re-read)', type: 'counter', value: this.stats.stateResets },
      { name: 'tcplens_tracker_open_connections', help: 'connections in the owned partitions\' tables', type: 'gauge', value: this.openConnections },
      { name: 'tcplens_tracker_partitions', help: 'partitions with state in this member', type: 'gauge', value: this.states.size },
      { name: 'tcplens_tracker_assigned_partitions', help: 'partitions of the topic the group assigned to this member', type: 'gauge', value: this.assignedPartitions().length },
    ];
    for (const [code, n] of this.malformed.counts) {
      s.push({ name: 'tcplens_tracker_malformed_messages_total', help: 'messages skipped as not valid wire batches, by reason', type: 'counter', value: n, labels: { reason: code } });
    }
    for (const p of this.states.values()) {
      s.push({ name: 'tcplens_tracker_event_time_seconds', help: 'event time (min sensor watermark) per partition', type: 'gauge', value: p.eventTimeUs / 1e6, labels: { partition: String(p.partition) } });
      s.push({ name: 'tcplens_tracker_next_offset', help: 'next offset this member reads per partition', type: 'gauge', value: p.nextOffset, labels: { partition: String(p.partition) } });
      s.push({ name: 'tcplens_tracker_committed_offset', help: 'offset last committed per partition', type: 'gauge', value: p.committedOffset, labels: { partition: String(p.partition) } });
      s.push({ name: 'tcplens_tracker_uncommitted_messages', help: 'messages after the committed offset per partition', type: 'gauge', value: p.nextOffset - p.committedOffset, labels: { partition: String(p.partition) } });
    }
    return s;
  }
}
