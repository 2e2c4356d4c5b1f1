import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from './store.js';
import { StoreError } from './errors.js';
import { ROLLUP_COLUMNS } from './rollup.js';
import { makeRecord, tempDir, T0 } from './test-records.js';

const dir = tempDir('rollup');
const opened: Store[] = [];
async function open(database: string, extra: { ttlDays?: number; rollupTtlDays?: number } = {}): Promise<Store> {
  const s = await openStore({ dataDir: dir, database, ...extra });
  opened.push(s);
  return s;
}
after(async () => {
  for (const s of opened) await s.close();
});

const MIN = 60_000_000;
/** Known data: server A (10.0.0.1:80) in minute 0 and 1, server B (10.0.0.2:443) in minute 0. */
function knownRecords() {
  const a = (i: number, over: Parameters<typeof makeRecord>[0] = {}) =>
    makeRecord({ uid: `Ca${i}`, orig_p: 40000 + i, ts: T0 + i * 1000, ...over });
  return [
    a(1, { handshake_us: 100, syn_to_synack_us: 60, synack_to_ack_us: 40 }),
    a(2, { handshake_us: 100, syn_to_synack_us: 60, synack_to_ack_us: 40 }),
    a(3, { conn_state: 'RSTR', close_kind: 'rst', rst_by: 'resp', rst_phase: 'established', handshake_us: 100 }),
    a(4, { conn_state: 'REJ', close_kind: 'rst', rst_by: 'resp', rst_phase: 'handshake', handshake_us: null, syn_to_synack_us: null, synack_to_ack_us: null, orig_bytes: null, resp_bytes: null }),
    a(5, { conn_state: 'S0', close_kind: 'timeout', handshake_us: null, syn_to_synack_us: null, synack_to_ack_us: null }),
    a(6, { ts: T0 + MIN + 5, conn_state: 'RSTO', close_kind: 'rst', rst_by: 'orig', rst_phase: 'after_fin', handshake_us: 900, sensor_id: 'east' }),
    makeRecord({ uid: 'Cb1', resp_h: '10.0.0.2', resp_p: 443, handshake_us: 5000, orig_bytes: 7, resp_bytes: 11 }),
  ];
}

describe('per-minute rollup (connections_1m)', () => {
  it('the view fills one row per minute × server × sensor with counts, RSTs by sender/phase, bytes and sketches', async () => {
    const s = await open('r1');
    const w = s.writer();
    for (const r of knownRecords()) w.write(r);
    await w.flush();
    const rows = await s.query(
      `SELECT toString(resp_h) AS h, resp_p AS p, toUnixTimestamp(minute) AS m, sensor_id, sum(conns) AS conns,
              sum(state_sf) AS sf, sum(state_rstr) AS rstr, sum(refused) AS refused, sum(unanswered) AS unanswered,
              sum(rst_conns) AS rst_conns, sum(rst_closed) AS rst_closed, sum(rst_by_resp) AS by_resp, sum(rst_by_orig) AS by_orig,
              sum(rst_in_handshake) AS in_hs, sum(rst_in_established) AS in_est, sum(rst_after_fin) AS after_fin,
              sum(handshake_n) AS hs_n, quantileTDigestMerge(0.5)(handshake_us_q) AS hs_p50,
              quantileTDigestMerge(0.5)(syn_to_synack_us_q) AS srv_p50, sum(orig_bytes) AS ob, sum(resp_bytes) AS rb
       FROM r1.connections_1m GROUP BY h, p, m, sensor_id ORDER BY h, m`,
    );
    const m0 = Math.floor(T0 / MIN) * 60;
    assert.deepEqual(rows.rows, [
      { h: '::ffff:10.0.0.1', p: 80, m: m0, sensor_id: 'test', conns: 5, sf: 2, rstr: 1, refused: 1, unanswered: 1, rst_conns: 2, rst_closed: 2, by_resp: 2, by_orig: 0, in_hs: 1, in_est: 1, after_fin: 0, hs_n: 3, hs_p50: 100, srv_p50: 60, ob: 400, rb: 8000 },
      { h: '::ffff:10.0.0.1', p: 80, m: m0 + 60, sensor_id: 'east', conns: 1, sf: 0, rstr: 0, refused: 0, unanswered: 0, rst_conns: 1, rst_closed: 1, by_resp: 0, by_orig: 1, in_hs: 0, in_est: 0, after_fin: 1, hs_n: 1, hs_p50: 900, srv_p50: 120, ob: 100, rb: 2000 },
      { h: '::ffff:10.0.0.2', p: 443, m: m0, sensor_id: 'test', conns: 1, sf: 1, rstr: 0, refused: 0, unanswered: 0, rst_conns: 0, rst_closed: 0, by_resp: 0, by_orig: 0, in_hs: 0, in_est: 0, after_fin: 0, hs_n: 1, hs_p50: 5000, srv_p50: 120, ob: 7, rb: 11 },
    ]);
  });

  it('counts inserts: a redelivered uid is counted again in the rollup, once in connections FINAL', async () => {
    const s = await open('r1');
    const w = s.writer();
    w.write(makeRecord({ uid: 'Cb1', resp_h: '10.0.0.2', resp_p: 443, handshake_us: 5000, orig_bytes: 7, resp_bytes: 11 }));
    await w.flush();
    const raw = await s.query("SELECT count() AS n FROM r1.connections FINAL WHERE resp_p = 443");
    const roll = await s.query('SELECT sum(conns) AS n FROM r1.connections_1m WHERE resp_p = 443');
    assert.deepEqual([raw.rows[0]?.['n'], roll.rows[0]?.['n']], [1, 2]);
  });

  it('a version-1 store gets the rollup backfilled from its rows (FINAL), then the view takes over', async () => {
    const s = await open('r2');
    await s.command('DROP VIEW r2.connections_1m_mv');
    await s.command('DROP TABLE r2.connections_1m');
    await s.command('TRUNCATE TABLE r2.schema_version');
    await s.command('INSERT INTO r2.schema_version (version) VALUES (1)');
    const w = s.writer();
    for (const r of knownRecords()) w.write(r);
    w.write(knownRecords()[0]!); // a duplicate: FINAL reads it once
    await w.flush();
    const r = await s.migrate();
    assert.equal(r.fromVersion, 1);
    assert.deepEqual(r.createdTables, ['connections_1m', 'connections_1m_mv']);
    assert.equal(r.backfilledRows, 7);
    const w2 = s.writer();
    w2.write(makeRecord({ uid: 'Cafter', resp_h: '10.0.0.2', resp_p: 443 }));
    await w2.flush();
    const n = await s.query('SELECT resp_p, sum(conns) AS n FROM r2.connections_1m GROUP BY resp_p ORDER BY resp_p');
    assert.deepEqual(n.rows, [{ resp_p: 80, n: 6 }, { resp_p: 443, n: 2 }]);
  });

  it('a view whose SELECT differs from the code is replaced, and reported; an unchanged one is left alone', async () => {
    const s = await open('r3');
    assert.deepEqual((await s.migrate()).replacedViews, []);
    await s.command('DROP VIEW r3.connections_1m_mv');
    await s.command('CREATE MATERIALIZED VIEW r3.connections_1m_mv TO r3.connections_1m AS SELECT toStartOfMinute(ts) AS minute, resp_h, resp_p, sensor_id, count() AS conns FROM r3.connections GROUP BY minute, resp_h, resp_p, sensor_id');
    assert.deepEqual((await s.migrate()).replacedViews, ['connections_1m_mv']);
    assert.deepEqual((await s.migrate()).replacedViews, []);
  });

  it('adds a missing rollup column, refuses a retyped one', async () => {
    const s = await open('r4');
    await s.command('ALTER TABLE r4.connections_1m DROP COLUMN resp_ip_bytes');
    const r = await s.migrate();
    assert.deepEqual(r.addedColumns, ['connections_1m.resp_ip_bytes']);
    assert.deepEqual(r.replacedViews, []); // the view's SELECT never changed; it fills the column again
    const w = s.writer();
    w.write(makeRecord({ resp_ip_bytes: 1234 }));
    await w.flush();
    assert.deepEqual((await s.query('SELECT sum(resp_ip_bytes) AS b FROM r4.connections_1m')).rows, [{ b: 1234 }]);
    const cols = await s.query("SELECT name, type FROM system.columns WHERE database = 'r4' AND table = 'connections_1m' ORDER BY name");
    assert.deepEqual(cols.rows, ROLLUP_COLUMNS.map((c) => ({ name: c.name, type: c.type })).sort((a, b) => (a.name < b.name ? -1 : 1)));
    await s.command('ALTER TABLE r4.connections_1m DROP COLUMN resp_bytes');
    await s.command('ALTER TABLE r4.connections_1m ADD COLUMN resp_bytes UInt32');
    await assert.rejects(s.migrate(), (e: unknown) => {
      assert.ok(e instanceof StoreError && e.code === 'TCPLENS_ERR_STORE_SCHEMA_MISMATCH');
      assert.match(e.message, /r4\.connections_1m .*resp_bytes is UInt32, expected SimpleAggregateFunction\(sum, UInt64\)/);
      return true;
    });
  });

  it('TTL per table: raw 30 days and rollup 365 by default, each configurable', async () => {
    const engine = async (s: Store, t: string) =>
      String((await s.query(`SELECT engine_full AS e FROM system.tables WHERE database = 'r5' AND name = '${t}'`)).rows[0]?.['e']);
    const s = await open('r5');
    assert.match(await engine(s, 'connections_1m'), /TTL written_at \+ toIntervalDay\(365\)/);
    const s2 = await open('r5', { ttlDays: 3, rollupTtlDays: 90 });
    assert.deepEqual([s2.migration.ttlDays, s2.migration.rollupTtlDays], [3, 90]);
    assert.match(await engine(s, 'connections'), /toIntervalDay\(3\)/);
    assert.match(await engine(s, 'connections_1m'), /toIntervalDay\(90\)/);
    const s3 = await open('r5', { rollupTtlDays: 0 });
    assert.equal(s3.migration.rollupTtlDays, 0);
    assert.doesNotMatch(await engine(s, 'connections_1m'), /TTL/);
  });
});
