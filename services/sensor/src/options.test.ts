import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WIRE_TOPIC } from '@tcplens/wire';
import { ConfigError } from '@tcplens/service';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSensorArgs } from './options.js';

function problems(args: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseSensorArgs(args, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.code, 'TCPLENS_ERR_CONFIG');
    assert.equal(err.retriable, false);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

test('every problem is reported at once', () => {
  const msg = problems(['--buckets', '0', '--drop-policy', 'random', '--realtime', '--sensor-id', 'x'.repeat(64)]);
  assert.match(msg, /^6 problems: /);
  for (const part of ['--brokers', 'no input', '--realtime', '--sensor-id', '--buckets 0', '--drop-policy random']) assert.ok(msg.includes(part), `${part} in ${msg}`);
});

test('brokers from KAFKA_BROKERS; defaults', () => {
  const o = parseSensorArgs(['--interface', 'lo'], { KAFKA_BROKERS: 'a:9092, b:9093' });
  assert.ok(o !== 'help');
  assert.deepEqual(o.brokers, ['a:9092', 'b:9093']);
  assert.equal(o.topic, WIRE_TOPIC);
  assert.equal(o.filter, 'tcp');
  assert.equal(o.lingerMs, 100);
  assert.equal(o.buckets, 256);
  assert.equal(o.dropPolicy, 'oldest');
  assert.equal(o.metricsPort, null);
});

test('--interface and --read are exclusive; a missing file is named; an unknown option is a config error', () => {
  assert.match(problems(['--brokers', 'h:1', '-i', 'lo', '--read', '/nonexistent.pcap']), /exclusive.*no such file|no such file.*exclusive/);
  assert.match(problems(['--brokers', 'h:1', '--nope']), /nope/);
  assert.match(problems(['--brokers', 'h', '-i', 'lo']), /"h" is not HOST:PORT/);
});

test('--rate: a positive number of packets per second, with --read only, not with --realtime', () => {
  const o = parseSensorArgs(['--brokers', 'h:1', '--read', '-', '--rate', '50000'], {});
  assert.ok(o !== 'help');
  assert.equal(o.rate, 50000);
  const d = parseSensorArgs(['--brokers', 'h:1', '--read', '-'], {});
  assert.ok(d !== 'help');
  assert.equal(d.rate, null);
  assert.match(problems(['--brokers', 'h:1', '--read', '-', '--rate', '0']), /--rate 0: expected a number in 1\.\./);
  assert.match(problems(['--brokers', 'h:1', '--read', '-', '--rate', 'fast']), /--rate fast/);
  assert.match(problems(['--brokers', 'h:1', '-i', 'lo', '--rate', '10']), /--rate applies to --read only/);
  assert.match(problems(['--brokers', 'h:1', '--read', '-', '--rate', '10', '--realtime']), /--rate and --realtime are exclusive/);
});

test('--compression: gzip by default, none, nothing else', () => {
  const d = parseSensorArgs(['--brokers', 'h:1', '--read', '-'], {});
  assert.ok(d !== 'help');
  assert.equal(d.compression, 'gzip');
  const n = parseSensorArgs(['--brokers', 'h:1', '--read', '-', '--compression', 'none'], {});
  assert.ok(n !== 'help');
  assert.equal(n.compression, 'none');
  assert.match(problems(['--brokers', 'h:1', '--read', '-', '--compression', 'zstd']), /--compression zstd: expected one of none, gzip/);
});

test('--help', () => {
  assert.equal(parseSensorArgs(['--help'], {}), 'help');
});

/** A JSON config file in a fresh directory. */
function configFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-sensor-config-'));
  const f = join(dir, 'sensor.json');
  writeFileSync(f, content);
  return f;
}

test('settings from --config FILE and TCPLENS_SENSOR_* variables: a flag beats the environment, which beats the file', () => {
  const f = configFile(JSON.stringify({ brokers: 'file:1', interface: ['lo', 'eth9'], 'heartbeat-ms': 200, 'linger-ms': 50, 'sensor-id': 'from-file' }));
  const env = { TCPLENS_SENSOR_HEARTBEAT_MS: '300', TCPLENS_SENSOR_LINGER_MS: '70' };
  const a = parseSensorArgs(['--config', f, '--heartbeat-ms', '400'], env);
  assert.ok(a !== 'help');
  assert.equal(a.heartbeatMs, 400); // flag
  assert.equal(a.lingerMs, 70); // environment over file
  assert.equal(a.sensorId, 'from-file'); // file
  assert.deepEqual(a.interfaces, ['lo', 'eth9']);
  assert.deepEqual(a.brokers, ['file:1']);
  // KAFKA_BROKERS is the environment too: it beats the file; a repeatable flag replaces the file's list.
  const b = parseSensorArgs(['--config', f, '-i', 'eth0'], { KAFKA_BROKERS: 'env:2' });
  assert.ok(b !== 'help');
  assert.deepEqual(b.brokers, ['env:2']);
  assert.deepEqual(b.interfaces, ['eth0']);
  // A variable set but empty (${VAR:-} in a compose file) is unset: the file's value stands.
  const e = parseSensorArgs(['--config', f], { KAFKA_BROKERS: '', TCPLENS_SENSOR_HEARTBEAT_MS: ' ' });
  assert.ok(e !== 'help');
  assert.deepEqual(e.brokers, ['file:1']);
  assert.equal(e.heartbeatMs, 200);
  // The file named by the environment; lists and booleans from variables.
  const c = parseSensorArgs([], { TCPLENS_SENSOR_CONFIG: f, TCPLENS_SENSOR_INTERFACE: 'eth1, eth2', TCPLENS_SENSOR_BROKERS: 'x:3' });
  assert.ok(c !== 'help');
  assert.deepEqual(c.interfaces, ['eth1', 'eth2']);
  assert.deepEqual(c.brokers, ['x:3']);
  assert.equal(c.heartbeatMs, 200);
});

test('problems of the file, the environment and the flags are reported together', () => {
  const f = configFile(JSON.stringify({ interface: 'lo', 'heartbeat-ms': 'soon', colour: 'red', realtime: 'maybe', buckets: { n: 1 } }));
  const msg = problems(['--config', f, '--drop-policy', 'random'], { TCPLENS_SENSOR_LINGER_MS: '0', TCPLENS_SENSOR_REALTIME: 'perhaps' });
  for (const part of [
    '--brokers', // nowhere
    'unknown option "colour"',
    '"realtime": expected true or false', // from the file (the variable's value is refused as well)
    'TCPLENS_SENSOR_REALTIME: expected true or false',
    '"buckets": expected a string or a number',
    '--heartbeat-ms soon', // the file's value, checked like a flag's
    '--linger-ms 0', // the environment's
    '--drop-policy random',
  ]) assert.ok(msg.includes(part), `${part} in ${msg}`);
  assert.match(msg, /^\d+ problems: /);
  assert.match(problems(['--config', '/nonexistent/tcplens.json'], { KAFKA_BROKERS: 'k:1' }), /--config \/nonexistent\/tcplens.json: no such file/);
  assert.match(problems(['--config', configFile('{"brokers": ')], {}), /not JSON/);
  assert.match(problems(['--config', configFile('["lo"]')], {}), /expected a JSON object/);
});
