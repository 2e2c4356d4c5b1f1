/**
 * Table tests: attempts, timeouts, port reuse, mid-stream pickup, direction heuristics, IPv6.
 * Expected values worked out by hand from Zeek's rules.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { ConnectionTracker } from './tracker.js';
import type { ConnectionRecord } from './record.js';
import { Conversation, T0 } from './test-packets.js';
import { pick, run } from './test-run.js';

const SEC = 1_000_000;
/** A SYN retransmission: the same ISN as the first SYN. */
const RETX = { seq: 1000 };

test('S0 with SYN retransmissions, input ends before the attempt timeout', () => {
  const { records } = run(new Conversation().c(0, 'S').c(1 * SEC, 'S', RETX).c(3 * SEC, 'S', RETX).packets);
  assert.equal(records.length, 1);
  assert.deepEqual(pick(records[0], { conn_state: 'S0', history: 'S', orig_pkts: 3, resp_pkts: 0, duration: 3, orig_bytes: 0, resp_bytes: 0, close_kind: 'open', handshake_us: null, syn_to_synack_us: null }),
    { conn_state: 'S0', history: 'S', orig_pkts: 3, resp_pkts: 0, duration: 3, orig_bytes: 0, resp_bytes: 0, close_kind: 'open', handshake_us: null, syn_to_synack_us: null });
});

test('attempt timeout: advance() emits an unanswered SYN 5 s after the first SYN', () => {
  const out: ConnectionRecord[] = [];
  const tr = new ConnectionTracker({}, (r) => out.push(r));
  for (const p of new Conversation().c(0, 'S').c(1 * SEC, 'S', RETX).c(3 * SEC, 'S', RETX).packets) tr.process(p);
  tr.advance(T0 + 5 * SEC - 1);
  assert.equal(out.length, 0);
  tr.advance(T0 + 5 * SEC);
  assert.equal(out.length, 1);
  assert.deepEqual(pick(out[0], { conn_state: 'S0', close_kind: 'timeout', orig_pkts: 3 }), { conn_state: 'S0', close_kind: 'timeout', orig_pkts: 3 });
  assert.equal(tr.openConnections, 0);
});

test('a SYN after the attempt timeout starts a new record even without advance()', () => {
  const { records } = run(new Conversation().c(0, 'S').c(1 * SEC, 'S', RETX).c(3 * SEC, 'S', RETX).c(7 * SEC, 'S', RETX).packets);
  assert.deepEqual(records.map((r) => [r.conn_state, r.orig_pkts, r.close_kind, r.ts - T0]), [
    ['S0', 3, 'timeout', 0],
    ['S0', 1, 'open', 7 * SEC],
  ]);
  assert.notEqual(records[0]?.uid, records[1]?.uid);
});

test('close linger: an SF connection is emitted 5 s after the second FIN', () => {
  const out: ConnectionRecord[] = [];
  const tr = new ConnectionTracker({}, (r) => out.push(r));
  const cv = new Conversation().c(0, 'S').s(1000, 'SA').c(1500, 'A').c(4000, 'FA').s(4500, 'FA').c(5000, 'A');
  for (const p of cv.packets) tr.process(p);
  tr.advance(T0 + 4500 + 5 * SEC - 1);
  assert.equal(out.length, 0);
  tr.advance(T0 + 4500 + 5 * SEC);
  assert.deepEqual(out.map((r) => [r.conn_state, r.close_kind]), [['SF', 'fin_both']]);
});

test('reset linger is configurable and counts from the RST', () => {
  const out: ConnectionRecord[] = [];
  const tr = new ConnectionTracker({ resetLingerUs: 1000 }, (r) => out.push(r));
  for (const p of new Conversation().c(0, 'S').s(300, 'RA', { seq: 0 }).packets) tr.process(p);
  tr.advance(T0 + 1299);
  assert.equal(out.length, 0);
  tr.advance(T0 + 1300);
  assert.equal(out[0]?.conn_state, 'REJ');
});

test('inactivity split: 301 s of silence ends the connection; the next packet is mid-stream', () => {
  const cv = new Conversation().c(0, 'S').s(1000, 'SA').c(1500, 'A').c(2000, 'PA', { len: 10 })
    .c(2000 + 301 * SEC, 'PA', { len: 10 });
  const { records } = run(cv.packets);
  assert.deepEqual(records.map((r) => [r.conn_state, r.history, r.close_kind]), [
    ['S1', 'ShAD', 'timeout'],
    ['OTH', 'D', 'open'],
  ]);
});

test('advance() emits at exactly last packet + inactivity timeout', () => {
  const out: ConnectionRecord[] = [];
  const tr = new ConnectionTracker({ inactivityTimeoutUs: 10 * SEC }, (r) => out.push(r));
  for (const p of new Conversation().c(0, 'S').s(1000, 'SA').c(1500, 'A').packets) tr.process(p);
  tr.advance(T0 + 1500 + 10 * SEC - 1);
  assert.equal(out.length, 0);
  tr.advance(T0 + 1500 + 10 * SEC);
  assert.deepEqual(pick(out[0], { conn_state: 'S1', close_kind: 'timeout' }), { conn_state: 'S1', close_kind: 'timeout' });
});

test('port reuse: a new SYN with another ISN on a closed connection starts a new record', () => {
  const cv = new Conversation().c(0, 'S').s(1000, 'SA').c(1500, 'A').c(2000, 'FA').s(2500, 'FA').c(3000, 'A')
    .c(1 * SEC, 'S', { seq: 777_777 }).s(1 * SEC + 900, 'SA', { seq: 888_888 }).c(1 * SEC + 1000, 'A');
  const { records, tracker } = run(cv.packets);
  assert.deepEqual(records.map((r) => [r.conn_state, r.history, r.close_kind, r.handshake_us]), [
    ['SF', 'ShAFf', 'fin_both', 1500],
    ['S1', 'ShA', 'open', 1000],
  ]);
  assert.notEqual(records[0]?.uid, records[1]?.uid);
  assert.equal(tracker.stats.weirds['premature_connection_reuse'], 1);
});

test('a retransmitted SYN after a REJ is a new attempt (Zeek: any SYN on a closed connection)', () => {
  const cv = new Conversation().c(0, 'S').s(100, 'RA', { seq: 0 }).c(1 * SEC, 'S', { seq: 1000 }).s(1 * SEC + 100, 'RA', { seq: 0 });
  const { records } = run(cv.packets);
  assert.deepEqual(records.map((r) => [r.conn_state, r.history]), [['REJ', 'Sr'], ['REJ', 'Sr']]);
});

test('capture starting at the SYN-ACK: its receiver is the originator, history starts with ^', () => {
  const cv = new Conversation(undefined, undefined, 1001, 5000).s(0, 'SA', { ack: 1001 }).c(200, 'A').c(300, 'PA', { len: 10 }).s(400, 'A')
    .c(500, 'FA').s(600, 'FA').c(700, 'A');
  const { records } = run(cv.packets);
  const want: Partial<ConnectionRecord> = {
    orig_h: '10.0.0.1', orig_p: 40000, resp_h: '10.0.0.2', resp_p: 80, conn_state: 'SF', history: '^hADaFf',
    orig_bytes: 10, resp_bytes: 0, duration: 0.0006, syn_to_synack_us: null, synack_to_ack_us: 200, handshake_us: null,
  };
  assert.deepEqual(pick(records[0], want), want);
});

test('mid-stream pickup: first sender is the originator when it talks to a server port', () => {
  const cv = new Conversation(['10.0.0.1', 40000], ['10.0.0.2', 80], 20000, 90000)
    .c(0, 'PA', { len: 100 }).s(100, 'A').s(200, 'PA', { len: 50 }).c(300, 'A');
  const { records } = run(cv.packets);
  const want: Partial<ConnectionRecord> = {
    orig_p: 40000, conn_state: 'OTH', history: 'DadA', orig_bytes: 100, resp_bytes: 50, close_kind: 'open',
    handshake_us: null, rst_phase: '',
  };
  assert.deepEqual(pick(records[0], want), want);
});

test('mid-stream pickup from the server side: the port heuristic flips it (history ^)', () => {
  const cv = new Conversation(['10.0.0.1', 40000], ['10.0.0.2', 443], 1001, 5001)
    .s(0, 'PA', { len: 50 }).c(100, 'A');
  const { records } = run(cv.packets);
  assert.deepEqual(pick(records[0], { orig_h: '10.0.0.1', orig_p: 40000, resp_p: 443, history: '^dA', conn_state: 'OTH' }),
    { orig_h: '10.0.0.1', orig_p: 40000, resp_p: 443, history: '^dA', conn_state: 'OTH' });
});

test('duration 0 leaves duration and byte counts null (Zeek leaves them unset)', () => {
  const { records } = run(new Conversation().c(0, 'S').packets);
  assert.deepEqual(pick(records[0], { duration: null, orig_bytes: null, resp_bytes: null, orig_pkts: 1, conn_state: 'S0' }),
    { duration: null, orig_bytes: null, resp_bytes: null, orig_pkts: 1, conn_state: 'S0' });
});

test('IPv6 connection', () => {
  const cv = new Conversation(['2001:db8::1', 50000], ['2001:db8::2', 443])
    .c(0, 'S').s(250, 'SA').c(400, 'A').c(500, 'PA', { len: 300 }).s(900, 'PA', { len: 1200 })
    .c(1000, 'FA').s(1100, 'FA').c(1200, 'A');
  const { records } = run(cv.packets);
  const want: Partial<ConnectionRecord> = {
    ip_version: 6, orig_h: '2001:db8::1', resp_h: '2001:db8::2', orig_p: 50000, resp_p: 443, conn_state: 'SF',
    history: 'ShADdFf', orig_bytes: 300, resp_bytes: 1200, orig_ip_bytes: 5 * 60 + 300, resp_ip_bytes: 3 * 60 + 1200,
    handshake_us: 400, community_id: '1:YXqXufkGr4i6TbJJYF83fvyDLZ8=',
  };
  assert.deepEqual(pick(records[0], want), want);
});

test('uid is deterministic and Zeek-shaped', () => {
  const mk = () => new Conversation().c(0, 'S').s(1000, 'SA').c(1500, 'A').packets;
  const a = run(mk()).records[0]?.uid;
  const b = run(mk()).records[0]?.uid;
  assert.match(a ?? '', /^C[0-9A-Za-z]{17}$/);
  assert.equal(a, b);
  const other = run(new Conversation(['10.0.0.1', 40001]).c(0, 'S').packets).records[0]?.uid;
  assert.notEqual(a, other);
});

test('many interleaved connections are kept apart and all emitted', () => {
  const packets = [];
  for (let i = 0; i < 3000; i++) {
    const cv = new Conversation([`10.${i >> 8}.${i & 255}.1`, 1024 + (i % 5000)], ['10.255.0.1', 80]);
    cv.c(i, 'S').s(i + 10, 'SA').c(i + 20, 'A').c(i + 30, 'FA').s(i + 40, 'FA').c(i + 50, 'A');
    packets.push(...cv.packets);
  }
  packets.sort((x, y) => x.tsSec - y.tsSec || x.tsNsec - y.tsNsec);
  const { records, tracker } = run(packets);
  assert.equal(records.length, 3000);
  assert.ok(records.every((r) => r.conn_state === 'SF' && r.history === 'ShAFf'));
  assert.equal(tracker.openConnections, 0);
});

// Zeek: port 80 flips at the SYN-ACK already, so the late SYN does not trigger the reversal
// (the originator is INACTIVE, not SYN_ACK_SENT): OTH. The unknown-port case is in the table.
test('SYN-ACK captured before its SYN on port 80: ends as OTH, as in Zeek', () => {
  const cv = new Conversation().s(0, 'SA', { ack: 1001 }).c(10, 'S', { seq: 1000 }).c(20, 'A');
  const { records, tracker } = run(cv.packets);
  assert.equal(records.length, 1);
  assert.deepEqual(pick(records[0], { orig_p: 40000, history: '^hSA', conn_state: 'OTH' }), { orig_p: 40000, history: '^hSA', conn_state: 'OTH' });
  assert.equal(tracker.stats.weirds['unsolicited_SYN_response'], 1);
});

test('rst_phase precedence: a RST after 60 s idle following a FIN is after_idle', () => {
  const cv = new Conversation().c(0, 'S').s(100, 'SA').c(200, 'A').s(300, 'FA').c(300 + 61 * SEC, 'R');
  const { records } = run(cv.packets);
  assert.deepEqual(pick(records[0], { rst_phase: 'after_idle', rst_by: 'orig', closed_first: 'resp', close_kind: 'rst', conn_state: 'RSTO' }),
    { rst_phase: 'after_idle', rst_by: 'orig', closed_first: 'resp', close_kind: 'rst', conn_state: 'RSTO' });
});

test('flush(): open connections in order of first packet, ties in the order they were opened', () => {
  const out: ConnectionRecord[] = [];
  const tr = new ConnectionTracker({}, (r) => out.push(r));
  // Start times (µs after T0) with ties; ports tell the connections apart.
  const starts = [30, 10, 20, 10, 0, 30, 10];
  starts.forEach((t, i) => {
    for (const p of new Conversation(['10.0.0.1', 41000 + i]).c(t, 'S').packets) tr.process(p);
  });
  tr.flush();
  const want = starts.map((t, i) => [t, 41000 + i]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  assert.deepEqual(out.map((r) => [r.ts - T0, r.orig_p]), want);
});

test('flush(): the same order when packet times are not whole microseconds', () => {
  const out: ConnectionRecord[] = [];
  const tr = new ConnectionTracker({}, (r) => out.push(r));
  const starts = [2, 1, 2, 0, 1];
  starts.forEach((t, i) => {
    const [p] = new Conversation(['10.0.0.1', 42000 + i]).c(t, 'S').packets;
    tr.process({ ...p!, tsSec: p!.tsSec + 5e-7 }); // a capture clock with a fraction of a µs
  });
  tr.flush();
  assert.ok(out.every((r) => !Number.isInteger(r.ts)));
  assert.deepEqual(out.map((r) => r.orig_p), [42003, 42001, 42004, 42000, 42002]);
});
