/**
 * Exactly once across a crash: a tracker child process is killed with SIGKILL in the middle of a
 * backlog (after its first offset commit, before it emitted every record), restarted on the same
 * store and group, and the store then holds every connection of the capture exactly once (FINAL),
 * each with the record `tcplens analyze` gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokersForTests, createKafka, localBroker } from '@tcplens/kafka';
import { openStore } from '@tcplens/store';
import { writeSyntheticPcap } from './test-pcap.js';
import { COMPARED, TRACKER_BIN, analyzeRecords, pick, runSensorBin, uniqueTopic, waitFor } from './test-support.js';

const found = await brokersForTests(); // decides skip vs. CI failure; the test runs its own broker
/** A private broker (deploy/kafka/local.sh on its own port): no other test can restart it midway. */
const PORT = 19492;
const tmp = mkdtempSync(join(tmpdir(), 'tcplens-kill-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

interface Child {
  proc: ChildProcess;
  metricsUrl: Promise<string>;
  exited: Promise<number | null>;
}

function startTracker(args: string[]): Child {
  const proc = spawn(process.execPath, [TRACKER_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const metricsUrl = new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"metrics":"(http:[^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('exit', (code) => reject(new Error(`tracker exited (${code}) before serving metrics: ${err}${out.slice(-2000)}`)));
  });
  metricsUrl.catch(() => undefined);
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, metricsUrl, exited };
}

async function metrics(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(url)).text();
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    const name = line.slice(0, i);
    m.set(name, Number(line.slice(i + 1)));
  }
  return m;
}

function sum(m: Map<string, number>, prefix: string): number {
  let n = 0;
  for (const [k, v] of m) if (k === prefix || k.startsWith(prefix + '{')) n += v;
  return n;
}

test('a tracker killed with SIGKILL mid-stream and restarted stores every connection exactly once', { timeout: 300_000 }, async (t) => {
  if (!found.brokers) return t.skip(found.skip);
  const broker = localBroker(PORT);
  const addr = await broker.start();
  t.after(() => broker.stop());
  const brokers = addr;
  const file = join(tmp, 'waves.pcap');
  writeSyntheticPcap(file, { waves: 20, perWave: 2000, gapSec: 400 });
  const expected = await analyzeRecords(file, 's1');
  assert.equal(expected.size, 40_000);
  const topic = uniqueTopic('kill');
  const admin = await createKafka({ brokers: [addr], clientId: 'test-kill' }).admin();
  try {
    await admin.createTopic(topic, 2);
  } finally {
    await admin.disconnect();
  }
  await runSensorBin(['--brokers', brokers, '--read', file, '--topic', topic, '--sensor-id', 's1', '--buckets', '16', '--spool-dir', join(tmp, 'spool')]);

  const data = join(tmp, 'store');
  const args = ['--brokers', brokers, '--topic', topic, '--group', `${topic}-g`, '--data', data, '--commit-interval-ms', '50', '--batch-rows', '2000', '--metrics-port', '0', '--log-interval-s', '3600'];
  const first = startTracker(args);
  t.after(() => first.proc.kill('SIGKILL'));
  const url1 = await first.metricsUrl;
  let emittedAtKill = -1;
  await waitFor('a first commit', async () => {
    const m = await metrics(url1);
    if (sum(m, 'tcplens_tracker_commits_total') < 1) return false;
    first.proc.kill('SIGKILL');
    emittedAtKill = sum(m, 'tcplens_tracker_records_emitted_total');
    return true;
  }, 60_000);
  assert.equal(await first.exited, null, 'killed by a signal');
  assert.ok(emittedAtKill > 0 && emittedAtKill < expected.size, `killed mid-stream (${emittedAtKill} of ${expected.size} records emitted)`);

  const second = startTracker(args);
  t.after(() => second.proc.kill('SIGKILL'));
  const url2 = await second.metricsUrl;
  let lastMessages = -1;
  let stableSince = Date.now();
  let seen = '';
  await waitFor('the restarted tracker to catch up', async () => {
    const m = await metrics(url2);
    seen = JSON.stringify(Object.fromEntries([...m].filter(([k]) => !k.includes('event_time'))));
    const messages = sum(m, 'tcplens_tracker_messages_total');
    if (messages !== lastMessages || sum(m, 'tcplens_tracker_assigned_partitions') !== 2) {
      lastMessages = messages;
      stableSince = Date.now();
      return false;
    }
    // Once both partitions are assigned, fetching starts at the committed offsets: a member with
    // nothing new to read for 1.5 s, nothing open and nothing uncommitted has caught up.
    return Date.now() - stableSince > 1500 &&
      sum(m, 'tcplens_tracker_open_connections') === 0 && sum(m, 'tcplens_tracker_uncommitted_messages') === 0;
  }, 60_000).catch((e: Error) => assert.fail(`${e.message}; last metrics ${seen}`));
  second.proc.kill('SIGTERM');
  assert.equal(await second.exited, 0, 'SIGTERM: clean exit');

  const store = await openStore({ dataDir: data });
  try {
    const c = await store.query(`SELECT count() AS n, count(DISTINCT uid) AS d FROM ${store.table} FINAL`);
    assert.equal(Number(c.rows[0]!['n']), expected.size, 'every connection once');
    assert.equal(Number(c.rows[0]!['d']), expected.size);
    const q = await store.query(`SELECT ${COMPARED.filter((k) => k !== 'duration').join(', ')} FROM ${store.table} FINAL`);
    const got = new Map(q.rows.map((r) => [r['uid'] as string, pick(r)]));
    assert.deepEqual(got, new Map([...expected].map(([k, v]) => [k, { ...v, duration: null }])));
  } finally {
    await store.close();
  }
});
