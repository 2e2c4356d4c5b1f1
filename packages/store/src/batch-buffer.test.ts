import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchBuffer } from './batch-buffer.js';
import { encodeRecord } from './encode.js';
import { makeRecord, T0 } from './test-records.js';

const tricky = [
  makeRecord(),
  makeRecord({ uid: 'Cx"y\\z', history: 'a\nb\tc', sensor_id: 'séns€r-😀', sensors: ['séns€r-😀', 'b"2'], rst_ack: false }),
  makeRecord({ handshake_us: null, syn_to_synack_us: null, duration: null, orig_bytes: null, rst_ack: true, teardown_us: 0 }),
  makeRecord({ duration: 0.00628, ts: T0 + 999_999, last_ts: T0 + 1_000_000, orig_bytes: 2 ** 53 - 1 }),
  makeRecord({ ts: 0, last_ts: 7, orig_h: '2001:db8::1', resp_h: '::ffff:10.0.0.1', ip_version: 6, duration: 1e-7 }),
  makeRecord({ sensors: [], sensor_syn_to_synack_us: [], sensor_synack_to_ack_us: [null, 5], sensor_handshake_us: [null] }),
  makeRecord({ history: 'x'.repeat(10_000), community_id: '\u0000\u001f\u007f' }),
];

test('appendRecord writes exactly the bytes of append(encodeRecord(r)), growing from a tiny buffer', () => {
  const a = new BatchBuffer(16);
  const b = new BatchBuffer(16);
  for (const r of tricky) {
    a.append(encodeRecord(r));
    b.appendRecord(r);
  }
  assert.equal(b.rows, tricky.length);
  assert.equal(b.bytes().toString('utf8'), a.bytes().toString('utf8'));
  assert.ok(b.bytes().equals(a.bytes()));
  for (const line of b.bytes().toString('utf8').trimEnd().split('\n')) JSON.parse(line);
});
