/**
 * The distributed path against a real broker: `tcplens sensor --read` → Kafka → TrackerService →
 * store gives every connection exactly the record `tcplens analyze` gives for the same file, once,
 * with one tracker or with two sharing the partitions of one group, also when the group changes
 * while a paced sensor publishes; malformed messages on the topic are counted and skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokersForTests, createKafka } from '@tcplens/kafka';
import { openStore } from '@tcplens/store';
import { TrackerService } from './tracker-service.js';
import { writeSyntheticPcap } from './test-pcap.js';
import { REPO, analyzeRecords, runSensorBin, storedRecords, uniqueTopic, waitFor, withoutDuration } from './test-support.js';

const found = await brokersForTests();
const tmp = mkdtempSync(join(tmpdir(), 'tcplens-dist-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const quiet = { info() {}, warn() {}, error() {} };

test('sensor --read - (stdin) → Kafka → tracker stores the records analyze gives (same uids, states, history, timings)', { timeout: 180_000 }, async (t) => {
  if (!found.brokers) return t.skip(found.skip);
  const brokers = found.brokers;
  const file = join(REPO, 'packages/lifecycle/testdata/scenarios-loopback.pcap');
  const expected = await analyzeRecords(file, 'local');
  assert.ok(expected.size >= 8, `the capture has connections (${expected.size})`);
  const topic = uniqueTopic('dist-one');
  await runSensorBin(['--brokers', brokers.join(','), '--read', '-', '--topic', topic, '--partitions', '4', '--sensor-id', 'local', '--spool-dir', join(tmp, 'spool1')], file);

  const store = await openStore({ dataDir: join(tmp, 'store1') });
  const kafka = createKafka({ brokers, clientId: 'test-dist-one' });
  const svc = new TrackerService({ topic, groupId: `${topic}-g`, commitIntervalMs: 100, batchRows: 1000, staleSensorUs: 60e6 }, kafka, store, quiet);
  t.after(async () => {
    await svc.stop();
    await store.close();
  });
  await svc.start();
  await waitFor('every record written', () => svc.writtenRows >= expected.size, 60_000);
  const got = await storedRecords(store);
  assert.equal(got.total, expected.size);
  assert.equal(got.distinct, expected.size);
  assert.deepEqual(got.rows, withoutDuration(expected));
});

test('two trackers in one group share a 4-partition topic: every connection once, malformed messages counted and skipped', { timeout: 240_000 }, async (t) => {
  if (!found.brokers) return t.skip(found.skip);
  const brokers = found.brokers;
  const file = join(tmp, 'waves.pcap');
  writeSyntheticPcap(file, { waves: 3, perWave: 400, gapSec: 400 });
  const expected = await analyzeRecords(file, 'sensor-a');
  assert.equal(expected.size, 1200);
  const topic = uniqueTopic('dist-two');
  const kafka = createKafka({ brokers, clientId: 'test-dist-two' });
  const admin = await kafka.admin();
  try {
    await admin.createTopic(topic, 4);
  } finally {
    await admin.disconnect();
  }

  // Foreign and broken messages first, on several keys (so several partitions see them).
  const producer = await kafka.producer();
  const garbage = [Buffer.from('hello, not a batch'), Buffer.alloc(0), Buffer.from('TCPL\x09\x00'), Buffer.from('TCPL\x01\x00\x64\x00' + 'x'.repeat(120))];
  await producer.send(topic, garbage.flatMap((value, i) => [0, 1, 2, 3].map((k) => ({ key: Buffer.from([i, k]), value }))));
  await producer.disconnect();

  const store = await openStore({ dataDir: join(tmp, 'store2') });
  const cfg = { topic, groupId: `${topic}-g`, commitIntervalMs: 100, batchRows: 500, staleSensorUs: 60e6 };
  const a = new TrackerService(cfg, kafka, store, quiet);
  const b = new TrackerService(cfg, kafka, store, quiet);
  t.after(async () => {
    await a.stop();
    await b.stop();
    await store.close();
  });
  await a.start();
  await b.start();
  await runSensorBin(['--brokers', brokers.join(','), '--read', file, '--topic', topic, '--sensor-id', 'sensor-a', '--buckets', '64', '--spool-dir', join(tmp, 'spool2')]);
  const malformed = (): number => [...a.malformed.counts.values(), ...b.malformed.counts.values()].reduce((x, y) => x + y, 0);
  await waitFor('both members done', async () => {
    const open = a.openConnections + b.openConnections;
    if (open > 0 || malformed() < garbage.length * 4) return false;
    await a.commitNow();
    await b.commitNow();
    const n = await store.query(`SELECT count() AS n FROM ${store.table} FINAL`);
    return Number(n.rows[0]!['n']) >= expected.size;
  }, 120_000);
  assert.ok(a.partitions().length > 0 && b.partitions().length > 0, 'both members tracked partitions');
  const got = await storedRecords(store);
  assert.equal(got.total, expected.size, 'each connection exactly once');
  assert.equal(got.distinct, expected.size);
  assert.deepEqual(got.rows, withoutDuration(expected));
  assert.equal(malformed(), garbage.length * 4, 'every malformed message counted once');
  const codes = new Set([...a.malformed.counts.keys(), ...b.malformed.counts.keys()]);
  assert.deepEqual([...codes].sort(), ['TCPLENS_ERR_WIRE_BAD_MAGIC', 'TCPLENS_ERR_WIRE_TRUNCATED', 'TCPLENS_ERR_WIRE_VERSION', 'empty'].sort());
});

test('rebalance mid-stream: a second tracker joins while a paced sensor publishes, then the first leaves; every connection once with analyze\'s record', { timeout: 240_000 }, async (t) => {
  if (!found.brokers) return t.skip(found.skip);
  const brokers = found.brokers;
  const file = join(tmp, 'rebalance.pcap');
  // 12 waves of 1,000 connections, 400 s of packet time apart: connections open at every moment.
  const packets = writeSyntheticPcap(file, { waves: 12, perWave: 1000, gapSec: 400 });
  const expected = await analyzeRecords(file, 'paced');
  assert.equal(expected.size, 12_000);
  const topic = uniqueTopic('dist-rebalance');
  const admin = await createKafka({ brokers, clientId: 'test-rebalance-admin' }).admin();
  try {
    await admin.createTopic(topic, 4);
  } finally {
    await admin.disconnect();
  }
  const store = await openStore({ dataDir: join(tmp, 'store-rebalance') });
  const opts = { topic, groupId: `${topic}-g`, commitIntervalMs: 100, batchRows: 1000, staleSensorUs: 600e6 };
  const a = new TrackerService(opts, createKafka({ brokers, clientId: 'test-rebalance-a' }), store, quiet);
  const b = new TrackerService(opts, createKafka({ brokers, clientId: 'test-rebalance-b' }), store, quiet);
  let aStopped = false;
  t.after(async () => {
    if (!aStopped) await a.stop();
    await b.stop();
    await store.close();
  });
  await a.start();
  await waitFor('tracker A to own the partitions', () => a.assignedPartitions().length === 4, 60_000);
  // Paced: the packets reach Kafka over ~12 s while the group changes under them.
  const rate = Math.ceil(packets / 12);
  const sensor = runSensorBin(['--brokers', brokers.join(','), '--read', file, '--rate', String(rate), '--topic', topic, '--sensor-id', 'paced', '--spool-dir', join(tmp, 'spool-rebalance')]);
  let sensorDone = false;
  void sensor.then(() => (sensorDone = true), () => (sensorDone = true));
  await waitFor('tracker A to store records', () => a.writtenRows > 0, 60_000);
  await b.start();
  await waitFor('the group to split the partitions between A and B', () => b.assignedPartitions().length > 0 && a.assignedPartitions().length > 0 && a.assignedPartitions().length + b.assignedPartitions().length === 4, 60_000);
  const splitWhileSending = !sensorDone;
  await waitFor('tracker B to store records', () => b.writtenRows > 0, 60_000);
  await a.stop(); // leaves the group: B takes every partition, rebuilding A's from the committed offsets
  aStopped = true;
  const leftWhileSending = !sensorDone;
  await waitFor('tracker B to own every partition', () => b.assignedPartitions().length === 4, 60_000);
  await sensor;
  await waitFor('every connection stored', async () => (await storedRecords(store)).distinct >= expected.size, 120_000);
  await waitFor('tracker B to hold no open connection', () => b.openConnections === 0, 60_000);
  const got = await storedRecords(store);
  t.diagnostic(`A wrote ${a.writtenRows} rows, B ${b.writtenRows}; state resets A ${a.stats.stateResets}, B ${b.stats.stateResets}; ` +
    `B joined while sending: ${splitWhileSending}, A left while sending: ${leftWhileSending}`);
  assert.ok(splitWhileSending, 'B joined while the sensor was still publishing');
  assert.ok(leftWhileSending || a.stats.stateResets + b.stats.stateResets > 0, 'partitions changed hands mid-stream');
  assert.ok(a.stats.stateResets + b.stats.stateResets > 0, `partition states were handed over (${a.stats.stateResets} + ${b.stats.stateResets} resets)`);
  assert.equal(got.total, expected.size, 'every connection once under FINAL');
  assert.equal(got.distinct, expected.size);
  assert.deepEqual(got.rows, withoutDuration(expected));
});
