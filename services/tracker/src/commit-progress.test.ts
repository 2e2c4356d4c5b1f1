/**
 * Offsets are committed inside continuous traffic, against a real broker. The topic holds a sensor's
 * messages for traffic that never pauses and never ends (no end of input: connections are open
 * whenever the tracker commits). An offline PartitionState over the same messages says where the
 * safe offset must end up; the group's committed offset (admin fetchOffsets) must get there, with
 * the same connections carried in its metadata, and the store must hold exactly the records an
 * uninterrupted run emits, also when the tracker is SIGKILLed after a commit that carries
 * connections and restarted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokersForTests, createKafka, type KafkaClient } from '@tcplens/kafka';
import type { ConnectionRecord } from '@tcplens/lifecycle';
import { openStore } from '@tcplens/store';
import { PartitionState } from './partition-state.js';
import { TrackerService } from './tracker-service.js';
import { decodeCommitPoint } from './spanning.js';
import { captureMessages } from './test-messages.js';
import { writeSyntheticPcap } from './test-pcap.js';
import { TRACKER_BIN, pick, storedRecords, uniqueTopic, waitFor, withoutDuration } from './test-support.js';

const found = await brokersForTests();
const tmp = mkdtempSync(join(tmpdir(), 'tcplens-commit-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const quiet = { info() {}, warn() {}, error() {} };

interface Expected {
  msgs: Buffer[];
  safe: number;
  metadata: string;
  open: number;
  records: Map<string, Record<string, unknown>>;
}

/** Continuous traffic (a wave of connections every 2 s, never a quiet moment), no end of input. */
async function continuous(name: string, waves: number): Promise<Expected> {
  const file = join(tmp, `${name}.pcap`);
  writeSyntheticPcap(file, { waves, perWave: 16, gapSec: 2 });
  const msgs = await captureMessages(file, 7, 200, false);
  const records = new Map<string, Record<string, unknown>>();
  // The tracker's defaults: closed connections emitted after 250 ms quiet (records are the last per uid).
  const st = new PartitionState(0, 0, { emitClosedAfterUs: 250_000, staleSensorUs: 60e6 }, (r: ConnectionRecord) => void records.set(r.uid, pick(r as unknown as Record<string, unknown>)));
  msgs.forEach((m, i) => st.handle(m, i));
  return { msgs, safe: st.safeOffset, metadata: st.safeMetadata, open: st.openConnections, records };
}

async function publish(kafka: KafkaClient, topic: string, msgs: Buffer[]): Promise<void> {
  const admin = await kafka.admin();
  try {
    await admin.createTopic(topic, 1);
  } finally {
    await admin.disconnect();
  }
  const producer = await kafka.producer({ idempotent: true, acks: 'all' });
  // A send under ~512 KiB: the broker's request limit is 1 MiB.
  let i = 0;
  while (i < msgs.length) {
    let bytes = 0;
    const part: { key: Buffer; value: Buffer }[] = [];
    for (; i < msgs.length && bytes < 512 * 1024; i++) {
      part.push({ key: Buffer.from([0, 0]), value: msgs[i]! });
      bytes += msgs[i]!.length;
    }
    await producer.send(topic, part);
  }
  await producer.disconnect();
}

async function committed(kafka: KafkaClient, group: string, topic: string): Promise<{ offset: number; metadata: string }> {
  const admin = await kafka.admin();
  try {
    const p = (await admin.fetchOffsets(group, topic))[0]!;
    return { offset: Number(p.offset), metadata: p.metadata ?? '' };
  } finally {
    await admin.disconnect();
  }
}

test('continuous traffic, connections always open: the committed offset advances to the offline safe offset, carrying the spanning connections', { timeout: 180_000 }, async (t) => {
  if (!found.brokers) return t.skip(found.skip);
  const brokers = found.brokers;
  const exp = await continuous('live', 800);
  assert.ok(exp.open > 0, 'connections are open at the end');
  assert.ok(exp.safe > exp.msgs.length * 0.6, `offline safe offset ${exp.safe} of ${exp.msgs.length}`);
  t.diagnostic(`${exp.msgs.length} messages, ${exp.records.size} records, ${exp.open} connections open at the end; safe offset ${exp.safe}, carrying ${decodeCommitPoint(exp.metadata).spanning.length}`);
  const kafka = createKafka({ brokers, clientId: 'test-commit-progress' });
  const topic = uniqueTopic('commit-progress');
  const group = `${topic}-g`;
  await publish(kafka, topic, exp.msgs);

  const store = await openStore({ dataDir: join(tmp, 'store-live') });
  const svc = new TrackerService({ topic, groupId: group, commitIntervalMs: 100, batchRows: 1000, staleSensorUs: 60e6, tracker: { emitClosedAfterUs: 250_000 } }, kafka, store, quiet);
  t.after(async () => {
    await svc.stop();
    await store.close();
  });
  await svc.start();
  let last = { offset: -1, metadata: '' };
  await waitFor(`every message read and the committed offset at ${exp.safe}`, async () => {
    last = await committed(kafka, group, topic);
    return svc.partitions()[0]?.next === exp.msgs.length && last.offset >= exp.safe;
  }, 90_000).catch((e: Error) => assert.fail(`${e.message}; last committed ${JSON.stringify(last).slice(0, 300)}, partitions ${JSON.stringify(svc.partitions())}`));
  assert.equal(last.offset, exp.safe, 'never past the safe offset');
  assert.deepEqual(decodeCommitPoint(last.metadata), decodeCommitPoint(exp.metadata));
  assert.equal(svc.openConnections, exp.open);
  await svc.commitNow(); // writes what the last messages emitted
  const got = await storedRecords(store);
  assert.equal(got.total, exp.records.size);
  assert.equal(got.distinct, exp.records.size);
  assert.deepEqual(got.rows, withoutDuration(exp.records));
});

function startTracker(args: string[]): { proc: ChildProcess; exited: Promise<number | null>; output: () => string; metricsUrl: () => string } {
  const proc = spawn(process.execPath, [TRACKER_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let url = '';
  proc.stdout!.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-4000);
    url ||= /"metrics":"(http:[^"]+)"/.exec(out)?.[1] ?? '';
  });
  proc.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, exited, output: () => out, metricsUrl: () => url };
}

test('SIGKILL after a commit that carries spanning connections, restart: every record of an uninterrupted run stored once, no fragment', { timeout: 300_000 }, async (t) => {
  if (!found.brokers) return t.skip(found.skip);
  const brokers = found.brokers;
  const exp = await continuous('kill', 3000);
  const kafka = createKafka({ brokers, clientId: 'test-commit-kill' });
  const topic = uniqueTopic('commit-kill');
  const group = `${topic}-g`;
  await publish(kafka, topic, exp.msgs);

  const data = join(tmp, 'store-kill');
  const args = ['--brokers', brokers.join(','), '--topic', topic, '--group', group, '--data', data, '--commit-interval-ms', '50', '--batch-rows', '5000', '--log-interval-s', '3600', '--metrics-port', '0'];
  const first = startTracker(args);
  t.after(() => first.proc.kill('SIGKILL'));
  let atKill = { offset: -1, metadata: '' };
  await waitFor('a commit carrying spanning connections', async () => {
    const c = await committed(kafka, group, topic);
    if (c.offset < 50 || decodeCommitPoint(c.metadata).spanning.length === 0) return false;
    first.proc.kill('SIGKILL');
    atKill = c;
    return true;
  }, 90_000).catch((e: Error) => assert.fail(`${e.message}; tracker output ${first.output()}`));
  assert.equal(await first.exited, null, 'killed by a signal');
  assert.ok(atKill.offset < exp.safe, `killed mid-stream (committed ${atKill.offset} of ${exp.safe})`);
  assert.ok(decodeCommitPoint(atKill.metadata).spanning.length > 0);

  t.diagnostic(`${exp.msgs.length} messages; killed after a commit at ${atKill.offset} carrying ${decodeCommitPoint(atKill.metadata).spanning.length} connections; final safe offset ${exp.safe}, ${exp.open} open`);
  let dropped = -1;
  const second = startTracker(args);
  t.after(() => second.proc.kill('SIGKILL'));
  await waitFor(`the restarted tracker to read everything and commit ${exp.safe}`, async () => {
    if (second.metricsUrl() === '') return false;
    const text = await (await fetch(second.metricsUrl())).text();
    const next = Number(/^tcplens_tracker_next_offset\{partition="0"\} (\d+)$/m.exec(text)?.[1] ?? -1);
    if (next !== exp.msgs.length || (await committed(kafka, group, topic)).offset < exp.safe) return false;
    dropped = Number(/^tcplens_tracker_carried_packets_dropped_total (\d+)$/m.exec(text)?.[1] ?? -1);
    return true;
  }, 120_000)
    .catch((e: Error) => assert.fail(`${e.message}; tracker output ${second.output()}`));
  assert.ok(dropped > 0, `the restarted tracker dropped the carried connections' tails (${dropped} packets)`);
  second.proc.kill('SIGTERM'); // writes every record emitted, commits again
  assert.equal(await second.exited, 0, 'SIGTERM: clean exit');
  assert.equal((await committed(kafka, group, topic)).offset, exp.safe);

  const store = await openStore({ dataDir: data });
  try {
    const got = await storedRecords(store);
    assert.equal(got.total, exp.records.size, 'every record of an uninterrupted run, nothing more');
    assert.equal(got.distinct, exp.records.size);
    assert.deepEqual(got.rows, withoutDuration(exp.records));
  } finally {
    await store.close();
  }
});
