/**
 * Publisher: segments → one wire batch builder per bucket → Kafka, in order, through the spool when
 * Kafka cannot keep up.
 *
 * Order is the contract the tracker relies on: in every partition a sensor's watermark comes after
 * every batch holding a packet at or before its clock. So there is ONE queue, sent by one loop
 * with at most one send in flight (the producer also keeps per-partition order on retries):
 *
 *   in flight (oldest)  <  spool on disk  <  memory queue (newest)
 *
 * An entry goes to the memory queue while the spool is empty, to the spool otherwise. In 'spool'
 * mode (live capture, which cannot wait) the memory queue moves into the spool when it grows above
 * memLimitBytes, when a send from memory has gone unanswered for slowSendMs, and when a send
 * fails — then the send's unsent rest goes in front of the spool, the memory queue behind it.
 * While Kafka is down the backlog is therefore on disk (a sensor that dies loses at most the
 * send in flight) and still in order. In 'wait' mode (a file, which can wait) the reader awaits
 * room() instead and nothing is ever dropped.
 */
import { BatchBuilder, encodeWatermark, WatermarkReason, type Watermark } from '@tcplens/wire';
import { partitionForKey } from '@tcplens/kafka';
import type { TcpPacket } from '@tcplens/packet';
import type { KafkaLogger, KafkaProducer } from '@tcplens/kafka';
import { bucketKey, bucketOf } from './route.js';
import type { Spool, SpoolEntry } from './spool.js';

export interface PublisherOptions {
  producer: KafkaProducer;
  topic: string;
  sensorId: string;
  buckets: number;
  /** Records per wire batch (a full builder is sent at once). */
  batchRecords: number;
  mode: 'spool' | 'wait';
  spool: Spool | null;
  memLimitBytes: number;
  logger: KafkaLogger;
  /** Pause after a failed send before the retry (default 1000 ms). */
  retryDelayMs?: number;
  /**
   * 'spool' mode: a send from memory still unanswered after this long (default 2000 ms) moves the
   * memory queue to the spool without waiting for it to fail, which with kafkajs's bounded retries
   * takes 10-20 s when the broker is gone.
   */
  slowSendMs?: number;
}

export interface PublisherStats {
  batchesPublished: number;
  watermarksPublished: number;
  packetsPublished: number;
  bytesPublished: number;
  sendFailures: number;
  kafkaUp: boolean;
}

const SEND_MAX_BYTES = 2 * 1024 * 1024;
const SEND_MAX_MESSAGES = 1000;

/** A heartbeat under every bucket key once in this many (see Publisher.setPartitions). */
export const FULL_WATERMARK_EVERY = 20;

export class Publisher {
  readonly stats: PublisherStats = { batchesPublished: 0, watermarksPublished: 0, packetsPublished: 0, bytesPublished: 0, sendFailures: 0, kafkaUp: true };
  private readonly builders: (BatchBuilder | undefined)[];
  private readonly keys: Buffer[];
  /** The keys a heartbeat goes under (setPartitions); all of them until the partition count is known. */
  private wmKeys: Buffer[];
  private heartbeats = 0;
  private mem: SpoolEntry[] = [];
  private memBytes = 0;
  private inFlight = 0;
  private wake: (() => void) | null = null;
  private idleWaiters: (() => void)[] = [];
  private roomWaiters: (() => void)[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;
  /** Newest packet time appended (µs), for read-mode watermarks. */
  maxTsUs = 0;

  constructor(private readonly o: PublisherOptions) {
    this.builders = new Array<BatchBuilder | undefined>(o.buckets);
    this.keys = Array.from({ length: o.buckets }, (_, i) => bucketKey(i));
    this.wmKeys = this.keys;
    this.loop = this.pump();
  }

  /** The capture's per-segment callback (the decoder's reused cursor; copied into a batch). */
  readonly push = (p: TcpPacket): void => {
    const b = bucketOf(p, this.o.buckets);
    const builder = (this.builders[b] ??= new BatchBuilder(this.o.sensorId, this.o.batchRecords));
    builder.append(p);
    const t = p.tsSec * 1_000_000 + Math.floor(p.tsNsec / 1000);
    if (t > this.maxTsUs) this.maxTsUs = t;
    if (builder.full) this.seal(b, builder);
  };

  /** Seals every non-empty batch (the 100 ms timer, and before every watermark). */
  flushBatches(): void {
    for (let b = 0; b < this.builders.length; b++) {
      const builder = this.builders[b];
      if (builder !== undefined && builder.size > 0) this.seal(b, builder);
    }
  }

  /**
   * The topic's partition count, when known: from then on a heartbeat goes under one bucket key per
   * partition the bucket keys reach (kafkajs's own partitioner decides), instead of all of them
   * (256 messages per heartbeat by default). Every FULL_WATERMARK_EVERY-th heartbeat, and every
   * end-of-input watermark, still goes under every key, so a partition added since the count was
   * read gets this sensor's watermarks within that many heartbeats. null: every key, always.
   */
  setPartitions(partitions: number | null): void {
    if (partitions === null) {
      this.wmKeys = this.keys;
      return;
    }
    const seen = new Set<number>();
    const keys: Buffer[] = [];
    for (const key of this.keys) {
      const p = partitionForKey(key, partitions);
      if (!seen.has(p)) {
        seen.add(p);
        keys.push(key);
      }
    }
    this.wmKeys = keys;
  }

  /** Seals pending batches, then queues the watermark under the keys that reach every partition. */
  watermark(w: Watermark): void {
    this.flushBatches();
    const value = Buffer.from(encodeWatermark(this.o.sensorId, w));
    const every = w.reason !== WatermarkReason.heartbeat || this.heartbeats++ % FULL_WATERMARK_EVERY === 0;
    for (const key of every ? this.keys : this.wmKeys) this.enqueue({ key, value, packets: 0 });
  }

  /** Bytes waiting in memory; with the spool's bytes, what has not reached Kafka yet. */
  get queuedBytes(): number {
    return this.memBytes;
  }

  /** Resolves when the memory queue is below its limit (wait mode's backpressure). */
  room(): Promise<void> {
    if (this.memBytes < this.o.memLimitBytes) return Promise.resolve();
    return new Promise((r) => this.roomWaiters.push(r));
  }

  /** Resolves once everything queued so far (and spooled) was acknowledged by Kafka. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /**
   * Stops the send loop after the current send (a failing send is abandoned). With a spool, what
   * is queued in memory is written to it at once, to be sent by the next run: the send in flight
   * can take kafkajs's whole retry budget (~20 s) to fail, longer than a supervisor may wait
   * before SIGKILL. If it fails, its entries go in front of the spool (they are older).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.spoolMemory();
    this.wake?.();
    await this.loop;
    this.spoolMemory();
  }

  private isIdle(): boolean {
    return this.mem.length === 0 && this.inFlight === 0 && (this.o.spool?.empty ?? true);
  }

  private seal(bucket: number, builder: BatchBuilder): void {
    const packets = builder.size;
    const value = Buffer.from(builder.finish()); // copies: the builder is reused at once
    builder.reset();
    this.enqueue({ key: this.keys[bucket]!, value, packets });
  }

  private enqueue(e: SpoolEntry): void {
    const spool = this.o.spool;
    if (spool !== null && !spool.empty) {
      spool.append(e);
    } else {
      this.mem.push(e);
      this.memBytes += e.value.length;
      if (this.o.mode === 'spool' && this.memBytes > this.o.memLimitBytes) this.spoolMemory();
    }
    this.wake?.();
  }

  /** Moves the memory queue, in order, to the end of the spool (if there is one). */
  private spoolMemory(): void {
    const spool = this.o.spool;
    if (spool === null) return;
    for (const m of this.mem) spool.append(m);
    this.mem = [];
    this.memBytes = 0;
    for (const r of this.roomWaiters.splice(0)) r();
  }

  private takeChunk(): { entries: SpoolEntry[]; done?: (sent?: number) => void } | undefined {
    const spool = this.o.spool;
    if (spool !== null && !spool.empty) return spool.takeOldest();
    if (this.mem.length === 0) return undefined;
    let n = 0;
    let bytes = 0;
    while (n < this.mem.length && n < SEND_MAX_MESSAGES && bytes < SEND_MAX_BYTES) bytes += this.mem[n++]!.value.length;
    const entries = this.mem.splice(0, n);
    this.memBytes -= bytes;
    if (this.memBytes < this.o.memLimitBytes) for (const r of this.roomWaiters.splice(0)) r();
    return { entries };
  }

  private async pump(): Promise<void> {
    for (;;) {
      const chunk = this.takeChunk();
      if (chunk === undefined) {
        for (const r of this.idleWaiters.splice(0)) r();
        if (this.stopped) return;
        await new Promise<void>((r) => (this.wake = r));
        this.wake = null;
        continue;
      }
      this.inFlight++;
      const fromMemory = chunk.done === undefined;
      const slow = fromMemory && this.o.mode === 'spool' ? setTimeout(() => this.spoolMemory(), this.o.slowSendMs ?? 2000) : undefined;
      const sent = await this.sendAll(chunk.entries, fromMemory && this.o.spool !== null);
      clearTimeout(slow);
      this.inFlight--;
      if (fromMemory) {
        if (sent < chunk.entries.length) {
          // Older than anything queued since: in front of the spool (stop() spools the memory
          // queue behind it), or back to the head of the memory queue when there is no spool.
          const rest = chunk.entries.slice(sent);
          if (this.o.spool !== null) {
            this.o.spool.prepend(rest);
            this.spoolMemory();
          } else {
            this.mem.unshift(...rest);
            for (const e of rest) this.memBytes += e.value.length;
          }
        }
      } else chunk.done!(sent);
      // Stopped: what is left stays queued (spooled by stop()) for the next run.
      if (this.stopped) return;
      if (sent < chunk.entries.length) await new Promise((r) => setTimeout(r, this.o.retryDelayMs ?? 1000));
    }
  }

  /**
   * Sends entries in slices and returns how many went through. A failed slice is retried after a
   * pause, unless `giveUp` (the caller spools the rest and retries from there) or stop() was called.
   */
  private async sendAll(entries: SpoolEntry[], giveUp: boolean): Promise<number> {
    let i = 0;
    while (i < entries.length) {
      let j = i;
      let bytes = 0;
      while (j < entries.length && j - i < SEND_MAX_MESSAGES && bytes < SEND_MAX_BYTES) bytes += entries[j++]!.value.length;
      const slice = entries.slice(i, j);
      try {
        await this.o.producer.send(this.o.topic, slice.map((e) => ({ key: e.key, value: e.value })));
      } catch (err) {
        this.stats.sendFailures++;
        if (this.stats.kafkaUp) this.o.logger.warn({ err: (err as Error).message, code: (err as { code?: string }).code }, 'kafka send failed; queuing (spool when in live mode) and retrying');
        this.stats.kafkaUp = false;
        if (this.stopped || giveUp) return i;
        await new Promise((r) => setTimeout(r, this.o.retryDelayMs ?? 1000));
        continue;
      }
      if (!this.stats.kafkaUp) this.o.logger.info({}, 'kafka reachable again; draining');
      this.stats.kafkaUp = true;
      for (const e of slice) {
        if (e.packets > 0) {
          this.stats.batchesPublished++;
          this.stats.packetsPublished += e.packets;
        } else this.stats.watermarksPublished++;
        this.stats.bytesPublished += e.value.length;
      }
      i = j;
    }
    return i;
  }
}
