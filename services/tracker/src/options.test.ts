import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WIRE_TOPIC } from '@tcplens/wire';
import { ConfigError } from '@tcplens/service';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrackerArgs } from './options.js';

test('every problem at once, as TCPLENS_ERR_CONFIG', () => {
  try {
    parseTrackerArgs(['--data', 'd', '--clickhouse', 'ftp://x', '--database', '1x', '--commit-interval-ms=-1'], {});
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.code, 'TCPLENS_ERR_CONFIG');
    assert.match(err.message, /^5 problems: /);
    for (const part of ['--brokers', 'exclusive', 'ftp://x', '--database 1x', '--commit-interval-ms -1']) assert.ok(err.message.includes(part), part);
  }
});

test('defaults; KAFKA_BROKERS and TCPLENS_DATA from the environment', () => {
  const o = parseTrackerArgs([], { KAFKA_BROKERS: 'k:9092', TCPLENS_DATA: '/d' });
  assert.ok(o !== 'help');
  assert.deepEqual(o.brokers, ['k:9092']);
  assert.deepEqual(o.store, { dataDir: '/d' });
  assert.equal(o.topic, WIRE_TOPIC);
  assert.equal(o.groupId, 'tcplens-tracker');
  assert.equal(o.commitIntervalMs, 1000);
  assert.equal(o.flushIntervalMs, 250);
  assert.throws(() => parseTrackerArgs(['--brokers', 'k:1', '--flush-interval-ms', '5'], {}), /--flush-interval-ms 5: expected a number in 10\.\./);
  const u = parseTrackerArgs(['--brokers', 'k:1', '--clickhouse', 'http://ch:8123', '--database', 'x'], {});
  assert.ok(u !== 'help');
  assert.deepEqual(u.store, { url: 'http://ch:8123', database: 'x' });
});

test('--emit-closed-after-ms: 250 ms by default, "off", and shorter than the 5 s linger', () => {
  const d = parseTrackerArgs(['--brokers', 'k:1'], {});
  assert.ok(d !== 'help');
  assert.equal(d.emitClosedAfterUs, 250_000);
  const off = parseTrackerArgs(['--brokers', 'k:1', '--emit-closed-after-ms', 'off'], {});
  assert.ok(off !== 'help');
  assert.equal(off.emitClosedAfterUs, -1);
  const z = parseTrackerArgs(['--brokers', 'k:1', '--emit-closed-after-ms', '0'], {});
  assert.ok(z !== 'help');
  assert.equal(z.emitClosedAfterUs, 0);
  assert.throws(() => parseTrackerArgs(['--brokers', 'k:1', '--emit-closed-after-ms', '5000'], {}), /--emit-closed-after-ms/);
});

test('--config FILE and TCPLENS_TRACKER_* variables; a flag\'s --clickhouse beats TCPLENS_DATA and the file\'s data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-tracker-config-'));
  const f = join(dir, 'tracker.json');
  writeFileSync(f, JSON.stringify({ brokers: 'k:9092', data: '/from-file', group: 'g-file', 'flush-interval-ms': 100 }));
  const a = parseTrackerArgs(['--config', f], { TCPLENS_TRACKER_GROUP: 'g-env' });
  assert.ok(a !== 'help');
  assert.deepEqual(a.store, { dataDir: '/from-file' });
  assert.equal(a.groupId, 'g-env');
  assert.equal(a.flushIntervalMs, 100);
  const b = parseTrackerArgs(['--config', f, '--clickhouse', 'http://ch:8123'], { TCPLENS_DATA: '/env' });
  assert.ok(b !== 'help');
  assert.deepEqual(b.store, { url: 'http://ch:8123' });
  const c = parseTrackerArgs(['--config', f], { TCPLENS_DATA: '/env' });
  assert.ok(c !== 'help');
  assert.deepEqual(c.store, { dataDir: '/env' });
  // Both from one source: the conflict is reported.
  writeFileSync(f, JSON.stringify({ brokers: 'k:9092', data: '/d', clickhouse: 'http://ch:8123' }));
  assert.throws(() => parseTrackerArgs(['--config', f], {}), /exclusive/);
});
