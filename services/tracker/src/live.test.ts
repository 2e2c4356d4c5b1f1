/**
 * Live path: `tcplens sensor --interface lo` captures real loopback connections and its heartbeat
 * watermarks (capture clock) let the tracker close them on timeouts while the sensor keeps running;
 * the sensor's /metrics and health log lines show its counters; SIGTERM ends it cleanly (exit 0).
 * Started as root, the sensor gives up root once lo is open (--user, default nobody) and captures
 * on; --user none keeps it; a spool the user cannot reach stops it at start with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokersForTests, createKafka } from '@tcplens/kafka';
import type { ConnectionRecord } from '@tcplens/lifecycle';
import { openStore } from '@tcplens/store';
import { TrackerService } from './tracker-service.js';
import { SENSOR_BIN, uniqueTopic, waitFor } from './test-support.js';

const found = await brokersForTests();
const tmp = mkdtempSync(join(tmpdir(), 'tcplens-live-'));
chmodSync(tmp, 0o755); // the sensor drops to nobody after opening lo: its spool must be reachable
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const isRoot = process.getuid?.() === 0;

/** Real, effective, saved and filesystem uid of a process. */
function uids(pid: number): number[] {
  const line = /^Uid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';
  return line.trim().split(/\s+/).map(Number);
}

async function talk(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => s.end('hello'));
    s.on('data', () => undefined);
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

test('live capture on lo: heartbeats close connections on the capture clock; metrics and health logs; SIGTERM exits 0', { timeout: 120_000 }, async (t) => {
  if (!found.brokers) return t.skip(found.skip);
  if (!isRoot && process.env['CI'] !== 'true') return t.skip('live capture needs root (CAP_NET_RAW)');
  const server = createServer((c) => {
    c.on('data', () => c.end('bye'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const topic = uniqueTopic('live');
  const brokers = found.brokers.join(',');

  const sensor = spawn(process.execPath, [SENSOR_BIN, '--brokers', brokers, '-i', 'lo', '--filter', `tcp port ${port}`, '--topic', topic, '--partitions', '2',
    '--sensor-id', 'live1', '--heartbeat-ms', '200', '--metrics-port', '0', '--log-interval-s', '0.5', '--spool-dir', join(tmp, 'spool')], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => sensor.kill('SIGKILL'));
  let out = '';
  let err = '';
  sensor.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  sensor.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => sensor.on('exit', (c) => r(c)));
  await waitFor('the sensor to capture', () => out.includes('"msg":"capturing"') || sensor.exitCode !== null, 30_000);
  assert.equal(sensor.exitCode, null, `sensor running: ${err}${out}`);
  // Root gave way to nobody once lo was open (every uid: real, effective, saved, filesystem).
  assert.ok(out.includes('"user":"nobody"') && out.includes('"msg":"dropped privileges after opening the capture"'), out);
  assert.deepEqual(uids(sensor.pid!), [65534, 65534, 65534, 65534]);

  const store = await openStore({ dataDir: join(tmp, 'store') });
  const kafka = createKafka({ brokers: found.brokers, clientId: 'test-live' });
  const svc = new TrackerService({ topic, groupId: `${topic}-g`, commitIntervalMs: 200, batchRows: 100, staleSensorUs: 60e6 }, kafka, store, { info() {}, warn() {}, error() {} });
  t.after(async () => {
    await svc.stop();
    await store.close();
  });
  await svc.start();
  for (let i = 0; i < 3; i++) await talk(port);
  const closedAt = Date.now();

  // FIN-closed connections linger 5 s of event time; only heartbeats can move it that far.
  await waitFor('3 records while the sensor runs', () => svc.writtenRows >= 3, 30_000);
  assert.ok(Date.now() - closedAt >= 4000, 'emitted on event time (after the close linger), not at once');
  assert.equal(sensor.exitCode, null, 'sensor still running: heartbeats did it, not end of input');
  const q = await store.query(`SELECT conn_state, resp_p, sensor_id, history FROM ${store.table} FINAL`);
  assert.equal(q.rows.length, 3);
  for (const r of q.rows as unknown as ConnectionRecord[]) {
    assert.equal(r.conn_state, 'SF');
    assert.equal(r.resp_p, port);
    assert.equal(r.sensor_id, 'live1');
  }

  const url = /"metrics":"(http:[^"]+)"/.exec(out)?.[1];
  assert.ok(url, 'metrics endpoint logged');
  const text = await (await fetch(url)).text();
  const value = (name: string): number => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  assert.ok(value('tcplens_sensor_packets_captured_total') >= 3 * 7, text);
  assert.ok(value('tcplens_sensor_packets_published_total') >= 3 * 7);
  assert.ok(value('tcplens_sensor_watermarks_published_total') > 0);
  assert.equal(value('tcplens_sensor_kafka_up'), 1);
  assert.equal(value('tcplens_sensor_spool_dropped_packets_total'), 0);
  assert.ok(Number.isFinite(value('tcplens_sensor_kernel_drops_total')));
  assert.ok(out.includes('"msg":"sensor health"') && out.includes('"kernelDrops"'), 'periodic health lines');

  sensor.kill('SIGTERM');
  assert.equal(await exited, 0, `SIGTERM: clean exit\n${err}`);
});

test('sensor --user: none keeps root; a spool the user cannot reach is refused at start, naming the fix', { timeout: 60_000 }, async (t) => {
  if (!found.brokers) return t.skip(found.skip);
  if (!isRoot && process.env['CI'] !== 'true') return t.skip('live capture needs root (CAP_NET_RAW)');
  const brokers = found.brokers.join(',');
  const run = (args: string[]): { p: ReturnType<typeof spawn>; text: () => string; exit: Promise<number | null> } => {
    const p = spawn(process.execPath, [SENSOR_BIN, '--brokers', brokers, '-i', 'lo', '--filter', 'tcp port 9', '--topic', uniqueTopic('user'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => p.kill('SIGKILL'));
    let text = '';
    p.stdout!.on('data', (d: Buffer) => (text += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    return { p, text: () => text, exit: new Promise((r) => p.on('exit', (c) => r(c))) };
  };
  const keep = run(['--user', 'none', '--spool-dir', join(tmp, 'spool-none')]);
  await waitFor('the sensor to capture', () => keep.text().includes('"msg":"capturing"') || keep.p.exitCode !== null, 30_000);
  assert.deepEqual(uids(keep.p.pid!), [0, 0, 0, 0], keep.text());
  assert.ok(!keep.text().includes('dropped privileges'));
  keep.p.kill('SIGTERM');
  assert.equal(await keep.exit, 0, keep.text());

  const hidden = join(tmp, 'private');
  mkdirSync(hidden, { mode: 0o700 });
  const refused = run(['--spool-dir', join(hidden, 'spool')]);
  assert.notEqual(await refused.exit, 0, refused.text());
  assert.match(refused.text(), /cannot drop privileges to nobody: the spool directory .*private\/spool is not writable as nobody .*--user none/);
  assert.ok(!refused.text().includes('"msg":"capturing"'), 'never captured as root without saying so');
});
