/**
 * The distributed path in `npm run bench`: capture file → `tcplens sensor --read` → Kafka →
 * `tcplens tracker` → embedded store, on a fresh topic and consumer group per run.
 *
 *   throughput: sensor start → the tracker's rows_written metric reaching the number of records
 *               `tcplens analyze` gives for the file; then the stored uids are checked against
 *               analyze's (same set, one row per uid under FINAL). Compared with `tcplens analyze`
 *               (with the store) on the same file.
 *   latency:    the sensor replays at a fixed rate (`--rate PPS`), so packet n is handed to the
 *               publisher at start + n / rate (wall clock; the sensor logs its start). The tracker's
 *               store is polled every 100 ms through its store endpoint (as `tcplens query --data DIR`
 *               reaches it) for new rows. A connection's latency: from its last packet's hand-off to
 *               the end of the first poll that returns its final row (last_ts equal to analyze's).
 *
 * Needs a Kafka broker: TCPLENS_BENCH_BROKERS, else KAFKA_BROKERS, else `deploy/kafka/local.sh start`.
 *   node test/dist/bench/distributed.js FILE     runs both sections on FILE
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createKafka } from '@tcplens/kafka';
import { readCaptureFile } from '@tcplens/packet';
import { openStore, type Store } from '@tcplens/store';
import { runCommand } from '../support/run-command.js';
import { measureCommand } from './measure-command.js';
import { stretchCapture } from './stretch-capture.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'services/cli/bin/tcplens.js');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The broker to use: env, else the local one (started if needed; never stopped here). */
export async function benchBrokers(): Promise<string> {
  const env = process.env['TCPLENS_BENCH_BROKERS'] ?? process.env['KAFKA_BROKERS'];
  if (env) return env;
  const r = await runCommand('bash', [join(root, 'deploy/kafka/local.sh'), 'start']);
  const addr = r.stdout.trim().split('\n').pop();
  if (!addr) throw new Error('deploy/kafka/local.sh start printed no address');
  return addr;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN when gone. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

/** The pid of the local broker (deploy/kafka/local.sh) when that is the one in use. */
async function localBrokerPid(brokers: string): Promise<number | undefined> {
  const port = /:(\d+)$/.exec(brokers)?.[1];
  if (port === undefined) return undefined;
  const r = await runCommand('bash', [join(root, 'deploy/kafka/local.sh'), 'status'], { check: false, env: { ...process.env, KAFKA_PORT: port } });
  const m = new RegExp(`running pid (\\d+) at .*:${port}$`).exec(r.stdout.trim());
  return m ? Number(m[1]) : undefined;
}

/** What `tcplens analyze` says about the file: uid → last packet time (µs). */
export interface Expected {
  lastUs: Map<string, number>;
}

export async function expectedRecords(file: string): Promise<Expected> {
  const child = spawn(bin, ['analyze', '--no-store', '--format', 'json', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lastUs = new Map<string, number>();
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line === '') continue;
    const r = JSON.parse(line) as { uid: string; last_ts: number };
    lastUs.set(r.uid, Math.round(r.last_ts * 1e6));
  }
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`tcplens analyze --format json exited with ${code}`);
  return { lastUs };
}

interface Proc {
  child: ChildProcess;
  /** Resolves with the first log line (pino JSON) whose msg matches. */
  line(msg: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
  stderr(): string;
}

/**
 * tcplens runs as a user runs it: the executable, whose shebang passes node's flags. With
 * TCPLENS_BENCH_NODE_FLAGS (space-separated) the sensor and tracker run as `node FLAGS tcplens.js`
 * instead (e.g. an empty-looking "--stack-trace-limit=10" to measure them without the shebang's).
 */
const NODE_FLAGS = (process.env['TCPLENS_BENCH_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '');

function startProc(args: string[], cli = bin): Proc {
  const child = NODE_FLAGS.length > 0
    ? spawn(process.execPath, [...NODE_FLAGS, cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const waiters: { msg: string; resolve: (o: Record<string, unknown>) => void }[] = [];
  const seen: Record<string, unknown>[] = [];
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  createInterface({ input: child.stdout! }).on('line', (l) => {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(l) as Record<string, unknown>;
    } catch {
      return;
    }
    seen.push(o);
    if (seen.length > 1000) seen.shift();
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (o['msg'] === waiters[i]!.msg) waiters.splice(i, 1)[0]!.resolve(o);
    }
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    line: (msg) => {
      const hit = seen.find((o) => o['msg'] === msg);
      if (hit) return Promise.resolve(hit);
      return Promise.race([
        new Promise<Record<string, unknown>>((resolve) => waiters.push({ msg, resolve })),
        exited.then((code) => Promise.reject(new Error(`tcplens ${args[0]} exited with ${code} before logging "${msg}": ${err.trim()}`))),
      ]);
    },
    exited,
    stderr: () => err,
  };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? NaN : Number(line.slice(name.length + 1));
}

async function deleteTopic(brokers: string, topic: string): Promise<void> {
  const admin = await createKafka({ brokers: brokers.split(','), clientId: 'tcplens-bench' }).admin();
  try {
    await admin.deleteTopic(topic);
  } finally {
    await admin.disconnect();
  }
}

export interface ThroughputRun {
  packets: number;
  /** sensor start → sensor exit (everything acknowledged by Kafka). */
  sensorSeconds: number;
  /** sensor start → rows_written == expected. */
  endToEndSeconds: number;
  rows: number;
  distinctUids: number;
  uidsMatch: boolean;
  /** CPU seconds used during the run (from sensor start to the last row) by each process. */
  cpu: { sensor: number; tracker: number; broker: number };
}

/**
 * One run: a fresh topic and group, `tcplens tracker` first (joined, owning every partition), then
 * `tcplens sensor --read` timed until the tracker has written every record; then the store is
 * checked against analyze.
 */
export async function throughputRun(o: { file: string; packets: number; brokers: string; partitions: number; expected: Expected; sensorArgs?: string[]; trackerArgs?: string[]; /** another build's tcplens.js (A/B runs) */ bin?: string }): Promise<ThroughputRun> {
  const tag = `bench-dist-${process.pid}-${Date.now()}`;
  const work = mkdtempSync(join(tmpdir(), 'tcplens-dbench-'));
  const data = join(work, 'data');
  const want = o.expected.lastUs.size;
  const tracker = startProc(['tracker', '--brokers', o.brokers, '--data', data, '--topic', tag, '--group', `${tag}-g`,
    '--partitions', String(o.partitions), '--metrics-port', '0', ...(o.trackerArgs ?? [])], o.bin);
  try {
    const m = await tracker.line('metrics endpoint');
    const url = String(m['metrics']);
    await tracker.line('tracking');
    for (let i = 0; (await metric(url, 'tcplens_tracker_assigned_partitions')) !== o.partitions; i++) {
      if (i > 600) throw new Error('tracker did not get every partition within 60 s');
      await sleep(100);
    }
    const brokerPid = await localBrokerPid(o.brokers);
    const trackerCpu0 = cpuSeconds(tracker.child.pid);
    const brokerCpu0 = cpuSeconds(brokerPid);
    const t0 = performance.now();
    const sensor = startProc(['sensor', '--brokers', o.brokers, '--read', o.file, '--topic', tag, '--sensor-id', 'bench',
      '--spool-dir', join(work, 'spool'), ...(o.sensorArgs ?? [])], o.bin);
    let sensorSeconds = NaN;
    void sensor.exited.then(() => (sensorSeconds = (performance.now() - t0) / 1000));
    let rows = 0;
    let sensorCpu = NaN;
    for (;;) {
      rows = await metric(url, 'tcplens_tracker_rows_written_total');
      const c = cpuSeconds(sensor.child.pid);
      if (!Number.isNaN(c)) sensorCpu = c;
      if (rows >= want) break;
      if (performance.now() - t0 > 600_000) throw new Error(`only ${rows} of ${want} rows after 600 s`);
      await sleep(20);
    }
    const endToEndSeconds = (performance.now() - t0) / 1000;
    const cpu = { sensor: sensorCpu, tracker: cpuSeconds(tracker.child.pid) - trackerCpu0, broker: cpuSeconds(brokerPid) - brokerCpu0 };
    const sensorCode = await sensor.exited;
    if (sensorCode !== 0) throw new Error(`sensor exited with ${sensorCode}: ${sensor.stderr().trim()}`);
    tracker.child.kill('SIGTERM');
    const trackerCode = await tracker.exited;
    if (trackerCode !== 0) throw new Error(`tracker exited with ${trackerCode}: ${tracker.stderr().trim()}`);
    // Verify: every stored uid is one of analyze's, each exactly once under FINAL, none missing.
    const q = await runCommand(process.execPath, [bin, 'query', '--data', data, '--format', 'csv', 'SELECT uid FROM tcplens.connections FINAL']);
    const uids = q.stdout.split('\n').slice(1).filter((l) => l !== '').map((l) => l.replace(/"/g, ''));
    const distinct = new Set(uids);
    let uidsMatch = distinct.size === want && uids.length === want;
    for (const u of distinct) if (!o.expected.lastUs.has(u)) uidsMatch = false;
    return { packets: o.packets, sensorSeconds, endToEndSeconds, rows, distinctUids: distinct.size, uidsMatch, cpu };
  } finally {
    if (tracker.child.exitCode === null) tracker.child.kill('SIGKILL');
    await deleteTopic(o.brokers, tag).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

/** `tcplens analyze --data DIR FILE` (with the embedded store), wall seconds. */
export async function analyzeWithStore(file: string): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'tcplens-dbench-'));
  try {
    return (await measureCommand(bin, ['analyze', '--data', join(work, 'data'), file])).wallSeconds;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface Quantiles {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function quantiles(values: number[]): Quantiles {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number): number => v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))] ?? NaN;
  return { n: v.length, p50: at(0.5), p99: at(0.99), max: v[v.length - 1] ?? NaN };
}

export interface LatencyRun {
  rate: number;
  achievedRate: number;
  /** last packet handed to the publisher → first poll that saw the final row (ms). */
  queryable: Quantiles;
  /** last packet handed → the row's inserted_at (transport, lifecycle wait, writer buffering), ms. */
  toInsert: Quantiles;
  /** inserted_at → first poll that saw it (insert, poll period, query), ms. */
  insertToSeen: Quantiles;
  /** Rows read that were not yet the connection's final record (emitted early, rewritten later). */
  rewrittenRows: number;
  missing: number;
}

/**
 * Paced replay at `rate` packets/s to a `tcplens tracker` (its own process, embedded store); the
 * store is polled through the tracker's store endpoint, as `tcplens query --data DIR` reaches it.
 * Per connection: its last packet's hand-off → the first poll that returns its final row.
 */
export async function latencyRun(o: { file: string; brokers: string; partitions: number; rate: number; expected: Expected; pollMs?: number; sensorArgs?: string[]; trackerArgs?: string[] }): Promise<LatencyRun> {
  // Hand-off index of each packet time: the sensor counts TCP segments in file order, as this does.
  const firstIndexOfUs = new Map<number, number>();
  let n = 0;
  await readCaptureFile(o.file, (p) => {
    const us = p.tsSec * 1_000_000 + Math.floor(p.tsNsec / 1000);
    if (!firstIndexOfUs.has(us)) firstIndexOfUs.set(us, n);
    n++;
  });
  const tag = `bench-lat-${process.pid}-${Date.now()}`;
  const work = mkdtempSync(join(tmpdir(), 'tcplens-dbench-'));
  const data = join(work, 'data');
  const tracker = startProc(['tracker', '--brokers', o.brokers, '--data', data, '--topic', tag, '--group', `${tag}-g`,
    '--partitions', String(o.partitions), '--metrics-port', '0', ...(o.trackerArgs ?? [])]);
  let sensor: Proc | null = null;
  let store: Store | null = null;
  try {
    const url = String((await tracker.line('metrics endpoint'))['metrics']);
    await tracker.line('tracking');
    for (let i = 0; (await metric(url, 'tcplens_tracker_assigned_partitions')) !== o.partitions; i++) {
      if (i > 600) throw new Error('tracker did not get every partition within 60 s');
      await sleep(100);
    }
    store = await openStore({ dataDir: data }); // the tracker holds it: this goes through its endpoint
    if (store.kind !== 'url') throw new Error(`expected the tracker's store endpoint, opened ${store.target}`);
    sensor = startProc(['sensor', '--brokers', o.brokers, '--read', o.file, '--topic', tag, '--sensor-id', 'bench',
      '--rate', String(o.rate), '--spool-dir', join(work, 'spool'), ...(o.sensorArgs ?? [])]);
    const started = await sensor.line('paced replay started');
    // Wall clocks (ms since the epoch) to this process's performance.now() scale.
    const local = (epochMs: number): number => epochMs - performance.timeOrigin;
    const startMs = local(Number(started['startedAtMs']));
    const seenAt = new Map<string, number>();
    const insertedAt = new Map<string, number>();
    let rewrittenRows = 0;
    const want = o.expected.lastUs.size;
    let since = 0;
    const deadline = performance.now() + (n / o.rate) * 1000 + 300_000;
    while (seenAt.size < want && performance.now() < deadline) {
      const polled = performance.now();
      const r = await store.query(
        'SELECT uid, toUnixTimestamp64Micro(last_ts) AS l, toUnixTimestamp64Micro(inserted_at) AS i FROM tcplens.connections WHERE inserted_at >= fromUnixTimestamp64Micro({since:Int64}) ORDER BY inserted_at',
        { since },
      );
      // Seen when the poll that returned it finished (an upper bound: it may have been queryable up
      // to one poll period earlier).
      const seen = performance.now();
      for (const row of r.rows) {
        const uid = String(row['uid']);
        const i = Number(row['i']);
        if (i > since) since = i;
        if (seenAt.has(uid)) continue;
        if (o.expected.lastUs.get(uid) !== Number(row['l'])) {
          rewrittenRows++;
          continue;
        }
        seenAt.set(uid, seen);
        insertedAt.set(uid, local(i / 1000));
      }
      const next = polled + (o.pollMs ?? 100) - performance.now();
      if (next > 0) await sleep(next);
    }
    const ended = await sensor.line('paced replay ended');
    const lat: number[] = [];
    const toInsert: number[] = [];
    const toSeen: number[] = [];
    for (const [uid, seen] of seenAt) {
      const idx = firstIndexOfUs.get(o.expected.lastUs.get(uid)!);
      if (idx === undefined) throw new Error(`no packet at the last_ts of ${uid}`);
      const handed = startMs + (idx * 1000) / o.rate;
      const ins = insertedAt.get(uid)!;
      lat.push(seen - handed);
      toInsert.push(ins - handed);
      toSeen.push(seen - ins);
    }
    return {
      rate: o.rate,
      achievedRate: Number(ended['achievedRate']),
      queryable: quantiles(lat),
      toInsert: quantiles(toInsert),
      insertToSeen: quantiles(toSeen),
      rewrittenRows,
      missing: want - seenAt.size,
    };
  } finally {
    await store?.close();
    if (sensor && sensor.child.exitCode === null) sensor.child.kill('SIGTERM');
    if (sensor) await sensor.exited;
    if (tracker.child.exitCode === null) tracker.child.kill('SIGTERM');
    await tracker.exited;
    await deleteTopic(o.brokers, tag).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

const fmtQ = (q: Quantiles): string => `p50 ${q.p50.toFixed(0)} ms, p99 ${q.p99.toFixed(0)} ms, max ${q.max.toFixed(0)} ms (n ${q.n})`;

/** Both sections, printed; what `npm run bench` runs. */
export async function benchDistributed(file: string, packets: number): Promise<void> {
  const brokers = await benchBrokers();
  const partitions = Number(process.env['TCPLENS_BENCH_PARTITIONS'] ?? 6);
  const runs = Number(process.env['TCPLENS_BENCH_DIST_RUNS'] ?? 3);
  const rate = Number(process.env['TCPLENS_BENCH_RATE'] ?? 50_000);
  console.log(`\ndistributed: ${file} → tcplens sensor → Kafka ${brokers} (${partitions} partitions) → tcplens tracker → embedded store`);
  const expected = await expectedRecords(file);
  console.log(`  analyze: ${expected.lastUs.size} connection records`);
  const results: ThroughputRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await throughputRun({ file, packets, brokers, partitions, expected });
    results.push(r);
    console.log(`  run ${i + 1}: sensor published in ${r.sensorSeconds.toFixed(2)} s (${Math.round(packets / r.sensorSeconds)} packets/s); ` +
      `all ${r.rows} rows stored after ${r.endToEndSeconds.toFixed(2)} s (${Math.round(packets / r.endToEndSeconds)} packets/s end to end); ` +
      `stored uids ${r.uidsMatch ? 'identical to' : 'DIFFERENT from'} analyze's (${r.distinctUids} distinct); ` +
      `CPU s: sensor ${r.cpu.sensor.toFixed(2)}, tracker ${r.cpu.tracker.toFixed(2)}, broker ${r.cpu.broker.toFixed(2)}`);
    if (!r.uidsMatch) throw new Error('the distributed path lost or duplicated records: the throughput is meaningless');
  }
  const best = results.reduce((a, b) => (b.endToEndSeconds < a.endToEndSeconds ? b : a));
  const an = await analyzeWithStore(file);
  console.log(`  best end to end: ${Math.round(packets / best.endToEndSeconds)} packets/s (target ≥ 300000: ${packets / best.endToEndSeconds >= 300_000 ? 'met' : 'not met'}); ` +
    `tcplens analyze with the store: ${an.toFixed(2)} s (${Math.round(packets / an)} packets/s); distributed / analyze throughput ${(an / best.endToEndSeconds).toFixed(2)}`);
  // Latency: the same packets with their times stretched to average `rate`, so that packet time
  // runs at wall-clock pace during the replay, as it does live.
  const st = stretchCapture(file, rate, join(dirname(file), `${basename(file, '.pcap')}-at-${rate}pps.pcap`));
  const stExpected = await expectedRecords(st.file);
  console.log(`  latency capture: ${st.file}, packet gaps ×${st.factor.toFixed(3)} (${st.durationSeconds.toFixed(1)} s at ${rate} packets/s), ${stExpected.lastUs.size} connections`);
  // The tracker's default (a closed connection written after 250 ms of quiet), then Zeek's 5 s linger.
  for (const [what, trackerArgs] of [['default tracker', []], ['--emit-closed-after-ms off', ['--emit-closed-after-ms', 'off']]] as const) {
    const lat = await latencyRun({ file: st.file, brokers, partitions, rate, expected: stExpected, trackerArgs: [...trackerArgs] });
    console.log(`  latency at ${rate} packets/s (achieved ${lat.achievedRate}), ${what}: last packet handed to the publisher → queryable: ${fmtQ(lat.queryable)}` +
      ` (target p99 ≤ 2000 ms: ${lat.queryable.p99 <= 2000 && lat.missing === 0 ? 'met' : 'not met'})${lat.missing > 0 ? `; ${lat.missing} connections never seen` : ''}`);
    console.log(`    handed → the row's inserted_at ${fmtQ(lat.toInsert)}`);
    console.log(`    inserted_at → seen by a poll ${fmtQ(lat.insertToSeen)}; ${lat.rewrittenRows} rows read before their final version`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: distributed.js FILE');
  let packets = 0;
  await readCaptureFile(file, () => void packets++);
  await benchDistributed(file, packets);
}
