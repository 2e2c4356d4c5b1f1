import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WIRE_TOPIC } from '@tcplens/wire';
import { ConfigError } from '@tcplens/service';
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
