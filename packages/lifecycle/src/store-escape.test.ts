/**
 * Values that outgrow their narrow store columns (store.ts) and move to the escape map: times
 * more than 71 minutes after the start, counters above 254, byte sums above 4 GiB. Expected values
 * worked out by hand from the packet schedules.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { Conversation, T0 } from './test-packets.js';
import { pick, run } from './test-run.js';

const SEC = 1_000_000;
const MIN = 60 * SEC;

test('a 3-hour connection: times past the 32-bit offset range stay exact', () => {
  const k = new Conversation().c(0, 'S').s(1000, 'SA').c(2500, 'A').c(3000, 'PA', { len: 100 });
  // 100 bytes every 4 minutes (under the 5-minute inactivity timeout) for 3 hours.
  for (let i = 1; i <= 45; i++) k.c(i * 4 * MIN, 'PA', { len: 100 });
  const fin = 180 * MIN + 7;
  k.c(fin, 'FA').s(fin + 200, 'FA').c(fin + 300, 'A');
  const { records } = run(k.packets);
  assert.equal(records.length, 1);
  const want = {
    conn_state: 'SF', history: 'ShADFf', orig_bytes: 46 * 100, resp_bytes: 0,
    orig_pkts: 4 + 46 /* S, A, FA, A + 46 data */, resp_pkts: 2, duration: (fin + 200) / 1e6, last_ts: T0 + fin + 300,
    syn_to_synack_us: 1000, synack_to_ack_us: 1500, handshake_us: 2500, orig_first_data_us: 3000,
    teardown_us: 300, close_kind: 'fin_both', teardown: 'four_way',
  } as const;
  assert.deepEqual(pick(records[0], want), want);
});

test('300 retransmissions: Wireshark count above 254 and T at the 1st, 10th and 100th', () => {
  const k = new Conversation().c(0, 'S').s(1000, 'SA').c(2000, 'A').c(3000, 'PA', { len: 100 });
  for (let i = 1; i <= 300; i++) k.c(i * SEC, 'PA', { len: 100, seq: 1001 });
  const { records } = run(k.packets);
  const want = { history: 'ShADTTT', orig_retrans: 300, orig_pkts: 303, resp_pkts: 1, orig_bytes: 100 } as const;
  assert.deepEqual(pick(records[0], want), want);
});

test('more than 4 GiB in one direction: IP byte sum and size past 32 bits', () => {
  const k = new Conversation().c(0, 'S').s(1000, 'SA').c(2000, 'A');
  const n = 70_000;
  const len = 65_495; // ipLen 65 535
  for (let i = 0; i < n; i++) k.c(3000 + i * 100, 'A', { len });
  const { records } = run(k.packets);
  const want = {
    orig_pkts: n + 2, orig_ip_bytes: 2 * 40 + n * 65_535, orig_bytes: n * len, resp_ip_bytes: 40,
    history: 'ShAD', orig_retrans: 0,
  } as const;
  assert.ok(want.orig_bytes > 2 ** 32 && want.orig_ip_bytes > 2 ** 32);
  assert.deepEqual(pick(records[0], want), want);
});
