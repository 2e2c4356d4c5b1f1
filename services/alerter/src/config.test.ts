import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, DEFAULT_RST_SPIKE, parseConfig, parseDuration } from './config.js';
import { AlerterError } from './errors.js';

describe('config', () => {
  it('durations', () => {
    assert.deepEqual(['500ms', '30s', '5m', '1h', '1.5s'].map(parseDuration), [500e3, 30e6, 300e6, 3600e6, 1.5e6]);
    assert.ok(Number.isNaN(parseDuration('5')) && Number.isNaN(parseDuration('0s')) && Number.isNaN(parseDuration(5)));
  });
  it('an empty file gives the defaults: the rst-spike rule', () => {
    assert.deepEqual(parseConfig({}), DEFAULT_CONFIG);
    assert.deepEqual(parseConfig({}).rules, [DEFAULT_RST_SPIKE]);
    assert.ok(Object.isFrozen(parseConfig({})));
  });
  it('rules, webhook and kafka from a file', () => {
    const c = parseConfig({
      interval: '5s', cooldown: '10m', rules: [
        { type: 'rst_spike', name: 'fast', window: '10s', k: 4, absoluteRate: null },
        { type: 'sql', name: 'refused', sql: 'SELECT 1 AS scope, 2 AS value', op: '>=', threshold: 2, window: '1m' },
      ],
      webhook: { url: 'http://127.0.0.1:1/x', maxAttempts: 3, backoff: '100ms' }, kafka: { brokers: ['127.0.0.1:9092'], topic: 'tcplens-alerts-v1' },
    });
    assert.equal(c.intervalMs, 5000);
    assert.equal(c.cooldownUs, 600e6);
    assert.deepEqual(c.rules[0], { ...DEFAULT_RST_SPIKE, name: 'fast', windowUs: 10e6, k: 4, absoluteRate: null });
    assert.deepEqual(c.rules[1], { type: 'sql', name: 'refused', sql: 'SELECT 1 AS scope, 2 AS value', op: '>=', threshold: 2, windowUs: 60e6 });
    assert.deepEqual(c.webhook, { url: 'http://127.0.0.1:1/x', maxAttempts: 3, backoffMs: 100, timeoutMs: 5000 });
    assert.deepEqual(c.kafka, { brokers: ['127.0.0.1:9092'], topic: 'tcplens-alerts-v1' });
  });
  it('reports every problem at once, naming the file', () => {
    assert.throws(
      () => parseConfig({ interval: 'soon', colour: 1, rules: [{ type: 'rst_spike', name: 'a', minConns: -1 }, { type: 'sql', name: 'a', op: '!=' }, { type: 'x', name: 'b' }], webhook: { url: 'ftp://x' } }, 'alerts.json'),
      (e: unknown) => {
        assert.ok(e instanceof AlerterError && e.code === 'TCPLENS_ERR_ALERTER_BAD_CONFIG');
        for (const part of ['(alerts.json)', 'rules[0].minConns -1', 'rules[1].name "a" is used twice', 'rules[1].sql', 'rules[1].op "!="', 'rules[1].threshold', 'rules[2].type "x"', 'webhook.url', 'unknown key "colour"', 'interval "soon"']) {
          assert.ok(e.message.includes(part), `${part} missing from: ${e.message}`);
        }
        return true;
      },
    );
  });
});
