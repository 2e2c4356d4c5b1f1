import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimitedLog } from './rate-limited-log.js';

test('counts every occurrence, logs each code at most once per interval with the count since', () => {
  const lines: object[] = [];
  let now = 0;
  const log = new RateLimitedLog({ warn: (o) => lines.push(o) }, 10_000, () => now);
  for (let i = 0; i < 1000; i++) log.note('A', {}, 'bad');
  log.note('B', {}, 'bad');
  assert.equal(lines.length, 2);
  now = 10_000;
  assert.equal(log.note('A', {}, 'bad'), true);
  assert.deepEqual(lines[2], { code: 'A', total: 1001, sinceLastLog: 1000 });
  assert.equal(log.counts.get('A'), 1001);
  assert.equal(log.counts.get('B'), 1);
});
