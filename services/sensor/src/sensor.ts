/**
 * `tcplens sensor`: capture (live interfaces, or a file replay) → wire batches per routing bucket →
 * Kafka, with heartbeat watermarks every --heartbeat-ms and an end-of-input watermark when the input
 * ends (a file's end, or the sensor being stopped), so trackers close connections on event time.
 */
import { createReadStream } from 'node:fs';
import type { Server } from 'node:http';
import pino from 'pino';
import { becomeUser, captureTcp, type TcpCapture } from '@tcplens/capture';
import { createKafka } from '@tcplens/kafka';
import { readCapture, type DecodeStats } from '@tcplens/packet';
import { WatermarkReason, type Watermark } from '@tcplens/wire';
import { lazyProducer } from './lazy-producer.js';
import { serveMetrics } from '@tcplens/service';
import { parseSensorArgs, SENSOR_USAGE, type SensorOptions } from './options.js';
import { Publisher } from './publisher.js';
import { RealtimePacer } from './realtime.js';
import { sensorSamples, type SensorHealth } from './sensor-metrics.js';
import { Spool } from './spool.js';

/**
 * Live capture: a packet may reach us this long after its timestamp; the idle clock lags by it.
 * The binding hands packets over within its 100 ms poll/flush period: measured on loopback at 10k
 * and 40k packets/s, kernel timestamp → onTcp p99 98 / 42 ms, max 103 / 99 ms. 500 ms leaves 5×
 * that for event-loop stalls; a packet later than this can only split a connection that reached
 * a timeout in that very interval (an early-emitted one is rewritten under the same uid).
 */
const LIVE_CLOCK_LAG_US = 500_000;
/** How often the topic's partition count is reread. */
const PARTITIONS_CHECK_MS = 60_000;
/** How long a stopping live sensor waits for Kafka to take what is queued. */
const STOP_DRAIN_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export async function runSensor(args: string[]): Promise<number> {
  const o = parseSensorArgs(args);
  if (o === 'help') {
    process.stdout.write(SENSOR_USAGE + '\n');
    return 0;
  }
  return new SensorRun(o).run();
}

class SensorRun {
  private readonly log: pino.Logger;
  private readonly spool: Spool | null;
  private readonly publisher: Publisher;
  private readonly kafka;
  private readonly producer;
  private captures: TcpCapture[] = [];
  private readStats: DecodeStats | null = null;
  private captured = 0;
  private clockUs = 0;
  /** The topic's partition count as last read (0: unknown; heartbeats then go under every key). */
  private partitionCount = 0;
  private readonly stop = new AbortController();
  /** performance.now() when a --rate replay handed its first chunk (0 otherwise). */
  private pacedStart = 0;
  /** --realtime: holds packets until their moment (realtime.ts). */
  private pacer: RealtimePacer | null = null;

  constructor(private readonly o: SensorOptions) {
    this.log = pino({ base: { service: 'tcplens-sensor', sensor: o.sensorId } });
    const live = o.read === null;
    this.kafka = createKafka({ brokers: o.brokers, clientId: `tcplens-sensor-${o.sensorId}`, logger: this.log.child({ component: 'kafka' }) });
    this.producer = lazyProducer(this.kafka, { idempotent: true, acks: 'all', compression: o.compression });
    this.spool = live || o.realtime || o.rate !== null ? new Spool(o.spoolDir, o.spoolMaxBytes, o.dropPolicy) : null;
    this.publisher = new Publisher({
      producer: this.producer,
      topic: o.topic,
      sensorId: o.sensorId,
      buckets: o.buckets,
      batchRecords: o.batchRecords,
      mode: this.spool ? 'spool' : 'wait',
      spool: this.spool,
      memLimitBytes: 64 * 1024 * 1024,
      logger: this.log.child({ component: 'publisher' }),
    });
  }

  async run(): Promise<number> {
    const o = this.o;
    // Whichever starts first, sensor or tracker, creates the topic (auto-creation is off). With
    // Kafka down at start the sensor still captures: batches go to the spool until it is back.
    try {
      const admin = await this.kafka.admin();
      try {
        if (await admin.createTopic(o.topic, o.partitions)) this.log.info({ topic: o.topic, partitions: o.partitions }, 'created topic');
        const n = await admin.partitionCount(o.topic);
        if (n > 0) {
          this.partitionCount = n;
          this.publisher.setPartitions(n);
        }
      } finally {
        await admin.disconnect();
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message, topic: o.topic }, 'cannot check or create the topic now; capturing into the spool until Kafka answers');
    }
    let metrics: Server | null = null;
    if (o.metricsPort !== null) {
      metrics = await serveMetrics(o.metricsHost, o.metricsPort, () => sensorSamples(this.health()));
      const a = metrics.address();
      this.log.info({ metrics: typeof a === 'object' && a ? `http://${o.metricsHost}:${a.port}/metrics` : a }, 'metrics endpoint');
    }
    const push = this.publisher.push;
    const replay = o.read !== null;
    const periodUs = o.heartbeatMs * 1000;
    let nextWmUs = 0;
    const onTcp: typeof push = (p) => {
      this.captured++;
      if (replay) {
        // Replay: heartbeats on packet time. Before the first packet past the period, every packet
        // so far is sealed and a watermark just below this one is queued, so trackers expire
        // connections at the same points of the file whatever the replay speed.
        const t = p.tsSec * 1_000_000 + Math.floor(p.tsNsec / 1000);
        if (t >= nextWmUs) {
          if (nextWmUs !== 0 && t > this.publisher.maxTsUs) {
            this.clockUs = t - 1;
            this.publisher.watermark(this.watermark(WatermarkReason.heartbeat));
          }
          nextWmUs = t + periodUs;
        }
      }
      push(p);
    };
    const linger = setInterval(() => this.publisher.flushBatches(), o.lingerMs);
    const partitionsCheck = setInterval(() => void this.checkPartitions(), PARTITIONS_CHECK_MS);
    partitionsCheck.unref();
    const heartbeat = setInterval(() => this.heartbeat(), replay ? 3_600_000 : o.heartbeatMs);
    const logTick = setInterval(() => this.log.info(this.healthLog(), 'sensor health'), o.logIntervalMs);
    const onSignal = (sig: string): void => {
      if (this.stop.signal.aborted) process.exit(130);
      this.log.info({ signal: sig }, 'stopping: publishing what was captured and an end-of-input watermark');
      this.stop.abort();
    };
    const onInt = (): void => onSignal('SIGINT');
    const onTerm = (): void => onSignal('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    try {
      if (o.read !== null) await this.replay(onTcp);
      else await this.capture(onTcp);
      clearInterval(heartbeat);
      clearInterval(partitionsCheck);
      this.publisher.watermark(this.watermark(WatermarkReason.end_of_input));
      this.publisher.flushBatches();
      if (o.read !== null) {
        await this.publisher.idle(); // a replay waits for Kafka as long as it takes
        this.log.info(this.healthLog(), 'input ended; everything published');
      } else {
        // A stopping live sensor gives Kafka a bounded time; the rest stays in the spool.
        const done = await Promise.race([this.publisher.idle().then(() => true), sleep(STOP_DRAIN_MS).then(() => false)]);
        const dropped = this.spool?.droppedPackets ?? 0;
        const lost = dropped > 0 ? `; ${dropped} packets were dropped by --drop-policy while the spool was full` : '';
        const msg = done ? `stopped; everything still queued was published${lost}` : `stopped; Kafka did not take everything within ${STOP_DRAIN_MS} ms, the rest stays in the spool${lost}`;
        if (dropped > 0) this.log.warn(this.healthLog(), msg);
        else this.log.info(this.healthLog(), msg);
      }
      return 0;
    } finally {
      clearInterval(linger);
      clearInterval(heartbeat);
      clearInterval(logTick);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      for (const c of this.captures) if (c.capture.state === 'running') await c.capture.stop();
      await this.publisher.stop();
      this.spool?.close();
      await this.producer.disconnect().catch(() => undefined);
      metrics?.close();
    }
  }

  private async replay(onTcp: Parameters<typeof readCapture>[1]): Promise<void> {
    const o = this.o;
    // Paced replays read small chunks: pacing waits between chunks (16 KiB: ~150 packets of 128 bytes).
    const chunk = o.rate !== null ? 16 * 1024 : o.realtime ? 64 * 1024 : 1 << 20;
    const source = o.read === '-' ? process.stdin : createReadStream(o.read!, { highWaterMark: chunk });
    if (o.realtime) this.pacer = new RealtimePacer(o.sensorId, onTcp);
    const result = await readCapture(this.paced(source), this.pacer?.offer ?? onTcp);
    await this.pacer?.release(this.stop.signal); // the last chunk's packets
    this.readStats = result.stats;
    if (o.rate !== null && this.pacedStart > 0) {
      const seconds = (performance.now() - this.pacedStart) / 1000;
      this.log.info({ rate: o.rate, packets: this.captured, seconds, achievedRate: Math.round(this.captured / seconds) }, 'paced replay ended');
    }
    if (result.truncated) this.log.warn({ file: o.read }, 'capture file is truncated; the packets before the cut were published');
  }

  /** Between chunks: backpressure (file replay waits for Kafka) or pacing (--realtime, --rate). */
  private async *paced(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    let wallStart = 0;
    const rate = this.o.rate;
    for await (const chunk of source) {
      if (this.stop.signal.aborted) return;
      if (rate !== null) {
        // Packet n is handed to the publisher no earlier than start + n / rate (n counts TCP
        // segments; the wait is per chunk, so a chunk's packets go together).
        if (wallStart === 0) {
          wallStart = this.pacedStart = performance.now();
          this.log.info({ rate, startedAtMs: performance.timeOrigin + wallStart }, 'paced replay started');
        } else {
          const wait = wallStart + (this.captured * 1000) / rate - performance.now();
          if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
        }
      } else if (this.pacer !== null) {
        // The previous chunk's packets, each at its moment, before the next chunk is parsed.
        await this.pacer.release(this.stop.signal);
      } else {
        await this.publisher.room();
      }
      yield chunk as Uint8Array;
    }
  }

  private async capture(onTcp: Parameters<typeof captureTcp>[2]): Promise<void> {
    let failure: Error | null = null;
    for (const iface of this.o.interfaces) {
      this.captures.push(captureTcp(iface, { filter: this.o.filter }, onTcp, (e) => {
        failure ??= e;
        this.stop.abort();
      }));
    }
    this.dropPrivileges();
    this.log.info({ interfaces: this.o.interfaces, filter: this.o.filter }, 'capturing');
    await new Promise<void>((r) => this.stop.signal.addEventListener('abort', () => r(), { once: true }));
    for (const c of this.captures) await c.capture.stop();
    if (failure) throw failure;
  }

  /**
   * After every interface is open (as root): hands the spool directory to --user, becomes that
   * user (capture/dropPrivileges: groups, gid, uid — the open captures keep working), then checks
   * that the spool is still writable, so an unreachable spool fails now rather than when Kafka
   * goes down. Not root: nothing to drop. --user none: keeps everything.
   */
  private dropPrivileges(): void {
    const r = becomeUser(this.o.user, [{ path: this.o.spoolDir, recursive: false, what: 'spool directory (--spool-dir)' }]);
    if (r.dropped) this.log.info({ user: this.o.user, uid: r.uid, gid: r.gid }, 'dropped privileges after opening the capture');
    else if (this.o.user !== 'none') this.log.info({ uid: r.uid }, r.reason ?? 'no privileges to drop');
  }

  /** Rereads the topic's partition count (heartbeats go to one key per partition); Kafka down: keeps the last. */
  private async checkPartitions(): Promise<void> {
    try {
      const admin = await this.kafka.admin();
      try {
        const n = await admin.partitionCount(this.o.topic);
        if (n > 0 && n !== this.partitionCount) {
          this.log.info({ topic: this.o.topic, partitions: n, before: this.partitionCount }, 'the topic\'s partition count changed');
          this.partitionCount = n;
          this.publisher.setPartitions(n);
        }
      } finally {
        await admin.disconnect();
      }
    } catch {
      // Unreachable now: the send loop reports Kafka's state; the last count (or every key) stays.
    }
  }

  /** Live: the capture host's clock minus the delivery lag, never going back. */
  private heartbeat(): void {
    if (this.o.read !== null) return; // replay heartbeats run on packet time (onTcp)
    this.clockUs = Math.max(this.clockUs, Date.now() * 1000 - LIVE_CLOCK_LAG_US);
    this.publisher.watermark(this.watermark(WatermarkReason.heartbeat));
  }

  private watermark(reason: number): Watermark {
    // Heartbeats carry this.clockUs (set by their caller); end of input: the newest packet time.
    const us = reason === WatermarkReason.end_of_input ? Math.max(this.clockUs, this.publisher.maxTsUs) : this.clockUs;
    const h = this.health();
    let decodeErrors = 0;
    for (const n of Object.values(h.decodeProblems)) decodeErrors += n;
    return {
      clockSec: Math.floor(us / 1e6),
      clockNsec: (us % 1e6) * 1000,
      reason,
      packetsCaptured: h.packetsCaptured,
      kernelDrops: h.kernelDrops,
      interfaceDrops: h.interfaceDrops,
      decodeErrors,
      spoolDrops: h.spoolDroppedPackets,
    };
  }

  private health(): SensorHealth {
    let kernelDrops = 0;
    let interfaceDrops = 0;
    const decodeProblems: Record<string, number> = {};
    const add = (s: DecodeStats): void => {
      for (const [k, v] of Object.entries(s.reasons)) decodeProblems[k] = (decodeProblems[k] ?? 0) + v;
    };
    for (const c of this.captures) {
      const s = c.capture.stats();
      kernelDrops += s.dropped;
      interfaceDrops += s.ifDropped;
      add(c.decodeStats);
    }
    if (this.readStats) add(this.readStats);
    return {
      sensorId: this.o.sensorId,
      packetsCaptured: this.captured,
      kernelDrops,
      interfaceDrops,
      decodeProblems,
      spoolBytes: this.spool?.bytes ?? 0,
      spoolSegments: this.spool?.segmentCount ?? 0,
      spoolDroppedPackets: this.spool?.droppedPackets ?? 0,
      queuedBytes: this.publisher.queuedBytes,
      publisher: this.publisher.stats,
    };
  }

  private healthLog(): object {
    const h = this.health();
    const problems = Object.fromEntries(Object.entries(h.decodeProblems).filter(([, n]) => n > 0));
    return { ...h, decodeProblems: problems, publisher: { ...h.publisher } };
  }
}
