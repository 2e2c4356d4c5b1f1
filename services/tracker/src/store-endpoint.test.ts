/**
 * While `tcplens tracker --data DIR` owns the embedded store, `tcplens query`, `tcplens report` and
 * the alerter on the same DIR reach it through the tracker's loopback endpoint; after SIGTERM the
 * endpoint file is gone and the directory opens embedded again with the same rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brokersForTests } from '@tcplens/kafka';
import { ENDPOINT_FILE } from '@tcplens/store';
import { CLI_BIN, TRACKER_BIN, runSensorBin, uniqueTopic, waitFor } from './test-support.js';

const exec = promisify(execFile);
const found = await brokersForTests();
const tmp = mkdtempSync(join(tmpdir(), 'tcplens-endpoint-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const pcap = fileURLToPath(new URL('../../../packages/lifecycle/testdata/http-loopback.pcap', import.meta.url));

async function cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return exec(process.execPath, [CLI_BIN, ...args], { cwd: tmp, timeout: 60_000 });
}

test('query, report and alerter reach a store the tracker owns, through its endpoint', { timeout: 180_000 }, async (t) => {
  if (!found.brokers) return t.skip(found.skip);
  const brokers = found.brokers.join(',');
  const topic = uniqueTopic('endpoint');
  const data = join(tmp, 'data');
  const tracker = spawn(process.execPath, [TRACKER_BIN, '--brokers', brokers, '--data', data, '--topic', topic, '--group', `${topic}-g`, '--partitions', '2', '--commit-interval-ms', '200'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => tracker.kill('SIGKILL'));
  let log = '';
  tracker.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  tracker.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((r) => tracker.on('exit', (c) => r(c)));
  await waitFor('the tracker to serve its store', () => existsSync(join(data, ENDPOINT_FILE)) || tracker.exitCode !== null, 60_000);
  assert.equal(tracker.exitCode, null, log);

  await runSensorBin(['--brokers', brokers, '--topic', topic, '--partitions', '2', '--sensor-id', 'ep', '--read', pcap]);
  const count = async (): Promise<number> => {
    const { stdout } = await cli(['query', '--data', data, '--format', 'json', 'SELECT count() AS n FROM tcplens.connections FINAL']);
    return Number((JSON.parse(stdout.trim().split('\n')[0]!) as { n: number }).n);
  };
  await waitFor('8 connections stored', async () => (await count()) === 8, 60_000);

  const rep = await cli(['report', 'states', '--data', data]);
  assert.match(rep.stdout, /SF\s+fin_both\s+7/);
  assert.match(rep.stdout, /REJ\s+rst\s+1/);
  assert.equal(rep.stderr, '', 'no lock error printed by the engine');
  const al = await cli(['alerter', '--data', data, '--once']);
  assert.equal(al.stderr, '');
  assert.equal(tracker.exitCode, null, 'the tracker kept running');

  tracker.kill('SIGTERM');
  assert.equal(await exited, 0, log);
  assert.equal(existsSync(join(data, ENDPOINT_FILE)), false, 'endpoint file removed on exit');
  assert.equal(await count(), 8, 'the same rows, now opened embedded');
});
