import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from './store.js';
import { StoreError } from './errors.js';
import { buildReport } from './reports.js';
import { makeRecord, tempDir, T0 } from './test-records.js';
import type { ConnectionRecord } from '@tcplens/lifecycle';

const S = 1_000_000; // µs per second

// Known data. Expected numbers below are worked out by hand from this table, with quantileExact's
// rule: the value at 0-based index floor(q·n) of the sorted non-NULL values.
//   A = 10.0.0.1:80, B = [2001:db8::1]:443, C = 10.0.0.1:8080 (same address as A, other port)
const v6 = { resp_h: '2001:db8::1', resp_p: 443, orig_h: '2001:db8::99', ip_version: 6 as const };
const DATA: Partial<ConnectionRecord>[] = [
  { uid: 'a1', ts: T0 + 0 * S, syn_to_synack_us: 100, synack_to_ack_us: 10, handshake_us: 110, conn_state: 'SF', close_kind: 'fin_both' },
  { uid: 'a2', ts: T0 + 1 * S, syn_to_synack_us: 200, synack_to_ack_us: 20, handshake_us: 220, conn_state: 'SF', close_kind: 'fin_both' },
  { uid: 'a3', ts: T0 + 2 * S, syn_to_synack_us: 300, synack_to_ack_us: 30, handshake_us: 330, conn_state: 'RSTO', close_kind: 'rst', rst_by: 'orig', rst_phase: 'established' },
  { uid: 'a4', ts: T0 + 3 * S, syn_to_synack_us: 400, synack_to_ack_us: 40, handshake_us: 440, conn_state: 'RSTR', close_kind: 'rst', rst_by: 'resp', rst_phase: 'established' },
  { uid: 'a5', ts: T0 + 4 * S, syn_to_synack_us: 500, synack_to_ack_us: null, handshake_us: null, conn_state: 'S1', close_kind: 'open' },
  { uid: 'c1', ts: T0 + 5 * S, resp_p: 8080, syn_to_synack_us: null, synack_to_ack_us: null, handshake_us: null, conn_state: 'S0', close_kind: 'timeout' },
  { uid: 'b1', ts: T0 + 10 * S, ...v6, syn_to_synack_us: null, synack_to_ack_us: null, handshake_us: null, conn_state: 'REJ', close_kind: 'rst', rst_by: 'resp', rst_phase: 'handshake' },
  { uid: 'b2', ts: T0 + 4000 * S, ...v6, syn_to_synack_us: 1000, synack_to_ack_us: 50, handshake_us: 1050, conn_state: 'SF', close_kind: 'fin_both' },
  { uid: 'b3', ts: T0 + 7200 * S, ...v6, syn_to_synack_us: 2000, synack_to_ack_us: 60, handshake_us: 2060, conn_state: 'RSTO', close_kind: 'fin_both', rst_by: 'orig', rst_phase: 'after_fin' },
];

const NONE = { syn_synack_n: 0, syn_synack_p50_us: null, syn_synack_p90_us: null, syn_synack_p99_us: null, synack_ack_n: 0, synack_ack_p50_us: null, synack_ack_p90_us: null, synack_ack_p99_us: null, handshake_n: 0, handshake_p50_us: null, handshake_p90_us: null, handshake_p99_us: null };
const LAT_A = { server: '10.0.0.1:80', conns: 5, syn_synack_n: 5, syn_synack_p50_us: 300, syn_synack_p90_us: 500, syn_synack_p99_us: 500, synack_ack_n: 4, synack_ack_p50_us: 30, synack_ack_p90_us: 40, synack_ack_p99_us: 40, handshake_n: 4, handshake_p50_us: 330, handshake_p90_us: 440, handshake_p99_us: 440 };
const LAT_B = { server: '[2001:db8::1]:443', conns: 3, syn_synack_n: 2, syn_synack_p50_us: 2000, syn_synack_p90_us: 2000, syn_synack_p99_us: 2000, synack_ack_n: 2, synack_ack_p50_us: 60, synack_ack_p90_us: 60, synack_ack_p99_us: 60, handshake_n: 2, handshake_p50_us: 2060, handshake_p90_us: 2060, handshake_p99_us: 2060 };
const LAT_C = { server: '10.0.0.1:8080', conns: 1, ...NONE };

describe('reports against known data', () => {
  let store: Store;
  before(async () => {
    store = await openStore({ dataDir: tempDir('reports'), database: 'r' });
    const w = store.writer({ batchRows: 4 });
    for (const d of DATA) await w.write(makeRecord(d));
    await w.write(makeRecord(DATA[0])); // a1 delivered twice: reports read FINAL and count it once
    await w.flush();
    assert.equal(w.stats.batches, 3);
  });
  after(() => store.close());

  it('latency: p50/p90/p99 per server, NULL when nothing was observed', async () => {
    const r = await store.report('latency');
    assert.deepEqual(r.rows, [LAT_A, LAT_B, LAT_C]);
  });

  it('refused: REJ and S0 attempts per server', async () => {
    assert.deepEqual((await store.report('refused')).rows, [
      { server: '[2001:db8::1]:443', refused: 1, unanswered: 0, conns: 3 },
      { server: '10.0.0.1:8080', refused: 0, unanswered: 1, conns: 1 },
    ]);
  });

  it('clients: who sees the most RSTs (a3, a4 from 192.168.1.2; b1, b3 from 2001:db8::99)', async () => {
    assert.deepEqual((await store.report('clients')).rows, [
      { client: '192.168.1.2', resets: 2, by_server: 1, servers: 1 },
      { client: '2001:db8::99', resets: 2, by_server: 1, servers: 1 },
    ]);
    assert.deepEqual((await store.report('clients', { since: '1h' })).rows, [{ client: '2001:db8::99', resets: 1, by_server: 0, servers: 1 }]);
  });

  it('legs: server leg vs client leg p50 over completed handshakes', async () => {
    // A: handshakes a1..a4 -> server legs 100..400 (p50 at index 2: 300), client legs 10..40 (30)
    // B: b2, b3 -> 1000, 2000 (index 1: 2000) and 50, 60 (60)
    assert.deepEqual((await store.report('legs')).rows, [
      { server: '10.0.0.1:80', handshakes: 4, server_leg_p50_us: 300, client_leg_p50_us: 30, verdict: 'server busy' },
      { server: '[2001:db8::1]:443', handshakes: 2, server_leg_p50_us: 2000, client_leg_p50_us: 60, verdict: 'server busy' },
    ]);
  });

  it('latency for one server and port', async () => {
    assert.deepEqual((await store.report('latency', { server: '10.0.0.1:8080' })).rows, [LAT_C]);
    assert.deepEqual((await store.report('latency', { server: '[2001:db8::1]:443' })).rows, [LAT_B]);
    assert.deepEqual((await store.report('latency', { server: '2001:db8::1' })).rows, [LAT_B]);
  });

  it('since is relative to the newest connection: 1h keeps b2 and b3 only', async () => {
    const r = await store.report('latency', { since: '1h' });
    assert.deepEqual(r.rows, [{ ...LAT_B, conns: 2 }]);
    const all = await store.report('states', { since: '7d' });
    assert.equal(all.rows.reduce((n, x) => n + Number(x['conns']), 0), 9);
  });

  it('resets: RSTs by sender and phase per server, with the share of that server\'s connections', async () => {
    const r = await store.report('resets');
    assert.deepEqual(r.rows, [
      { server: '10.0.0.1:80', rst_by: 'orig', rst_phase: 'established', resets: 1, server_conns: 5, pct_of_server: 20 },
      { server: '10.0.0.1:80', rst_by: 'resp', rst_phase: 'established', resets: 1, server_conns: 5, pct_of_server: 20 },
      { server: '[2001:db8::1]:443', rst_by: 'orig', rst_phase: 'after_fin', resets: 1, server_conns: 3, pct_of_server: 33.33 },
      { server: '[2001:db8::1]:443', rst_by: 'resp', rst_phase: 'handshake', resets: 1, server_conns: 3, pct_of_server: 33.33 },
    ]);
    const c = await store.report('resets', { server: '10.0.0.1:8080' });
    assert.deepEqual(c.rows, []);
  });

  it('states: counts by conn_state and close_kind', async () => {
    const r = await store.report('states');
    assert.deepEqual(r.rows, [
      { conn_state: 'SF', close_kind: 'fin_both', conns: 3, pct: 33.33 },
      { conn_state: 'REJ', close_kind: 'rst', conns: 1, pct: 11.11 },
      { conn_state: 'RSTO', close_kind: 'fin_both', conns: 1, pct: 11.11 },
      { conn_state: 'RSTO', close_kind: 'rst', conns: 1, pct: 11.11 },
      { conn_state: 'RSTR', close_kind: 'rst', conns: 1, pct: 11.11 },
      { conn_state: 'S0', close_kind: 'timeout', conns: 1, pct: 11.11 },
      { conn_state: 'S1', close_kind: 'open', conns: 1, pct: 11.11 },
    ]);
    const a = await store.report('states', { server: '10.0.0.1', since: '1h' });
    assert.deepEqual(a.rows, []);
    const v4 = await store.report('states', { server: '10.0.0.1' });
    assert.deepEqual(v4.rows.map((x) => [x['conn_state'], x['conns'], x['pct']]), [
      ['SF', 2, 33.33], ['RSTO', 1, 16.67], ['RSTR', 1, 16.67], ['S0', 1, 16.67], ['S1', 1, 16.67],
    ]);
  });

  it('user values are bound parameters, never SQL text', () => {
    const q = buildReport('latency', { server: '[2001:db8::1]:443', since: '15m', database: 'r' });
    assert.deepEqual(q.params, { since_us: 900_000_000, addr: '2001:db8::1', port: 443 });
    assert.ok(q.sql.includes('{since_us:UInt64}') && q.sql.includes('{addr:IPv6}') && q.sql.includes('{port:UInt16}'));
    assert.ok(!q.sql.includes('2001:db8') && !q.sql.includes('900000000') && !q.sql.includes('443'));
  });

  it('a server value with a quote is rejected before any SQL, and the data is untouched', async () => {
    for (const server of ["10.0.0.1' OR '1'='1", "10.0.0.1:80' --", "[::1]:80'; DROP TABLE r.connections"]) {
      await assert.rejects(store.report('states', { server }), (e: unknown) => e instanceof StoreError && e.code === 'TCPLENS_ERR_BAD_SERVER');
    }
    const n = await store.query('SELECT count() AS n FROM r.connections FINAL');
    assert.deepEqual(n.rows, [{ n: 9 }]);
  });
});
