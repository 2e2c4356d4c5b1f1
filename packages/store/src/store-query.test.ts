import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from './store.js';
import { StoreError } from './errors.js';
import { makeRecord, tempDir, T0 } from './test-records.js';

describe('store: insert and query (embedded chdb)', () => {
  let store: Store;
  before(async () => {
    store = await openStore({ dataDir: tempDir('query'), database: 'q' });
    const w = store.writer();
    w.write(makeRecord({ uid: 'C4', orig_h: '192.168.1.2', resp_h: '10.0.0.1', resp_p: 80 }));
    w.write(
      makeRecord({
        uid: 'C6', ts: T0 + 123_456, last_ts: T0 + 1_000_001, ip_version: 6,
        orig_h: '2001:db8::5', resp_h: 'fe80::1:2', resp_p: 443, history: "S'quote\"\\", sensor_id: 'sensor \t1',
      }),
    );
    w.write(
      makeRecord({
        uid: 'Cnull', syn_to_synack_us: null, synack_to_ack_us: null, handshake_us: null, duration: null,
        orig_bytes: null, resp_bytes: null, conn_state: 'S0', rst_ack: true,
        sensors: ['a', 'b'], sensor_syn_to_synack_us: [null, 7], sensor_synack_to_ack_us: [null, null], sensor_handshake_us: [1, null],
      }),
    );
    await w.flush();
    assert.equal(w.stats.rows, 3);
  });
  after(() => store.close());

  it('round-trips IPv4 (stored IPv4-mapped) and IPv6 addresses', async () => {
    const r = await store.query(`SELECT uid, toString(orig_h) AS o, toString(resp_h) AS r FROM ${store.table} WHERE uid IN ('C4', 'C6') ORDER BY uid`);
    assert.deepEqual(r.rows, [
      { uid: 'C4', o: '::ffff:192.168.1.2', r: '::ffff:10.0.0.1' },
      { uid: 'C6', o: '2001:db8::5', r: 'fe80::1:2' },
    ]);
  });

  it('keeps µs times exactly and strings with quotes, backslashes and tabs', async () => {
    const r = await store.query(
      `SELECT toUnixTimestamp64Micro(ts) AS ts_us, toUnixTimestamp64Micro(last_ts) AS last_us, history, sensor_id FROM ${store.table} WHERE uid = {u:String}`,
      { u: 'C6' },
    );
    assert.deepEqual(r.rows, [{ ts_us: T0 + 123_456, last_us: T0 + 1_000_001, history: "S'quote\"\\", sensor_id: 'sensor \t1' }]);
    assert.deepEqual(r.columns.map((c) => c.type), ['Int64', 'Int64', 'String', 'LowCardinality(String)']);
  });

  it('stores NULL timings as NULL, not 0, and keeps arrays with NULLs', async () => {
    const r = await store.query(
      `SELECT syn_to_synack_us, synack_to_ack_us, handshake_us, duration, orig_bytes, rst_ack, sensors, sensor_syn_to_synack_us, sensor_handshake_us FROM ${store.table} WHERE uid = 'Cnull'`,
    );
    assert.deepEqual(r.rows, [
      {
        syn_to_synack_us: null, synack_to_ack_us: null, handshake_us: null, duration: null, orig_bytes: null, rst_ack: true,
        sensors: ['a', 'b'], sensor_syn_to_synack_us: [null, 7], sensor_handshake_us: [1, null],
      },
    ]);
    const c = await store.query(`SELECT count() AS n FROM ${store.table} WHERE handshake_us IS NULL`);
    assert.deepEqual(c.rows, [{ n: 1 }]);
  });

  it('binds parameters: IPv6 and UInt16 params select the right row', async () => {
    const r = await store.query(`SELECT uid FROM ${store.table} WHERE resp_h = {a:IPv6} AND resp_p = {p:UInt16}`, {
      a: 'fe80::1:2',
      p: 443,
    });
    assert.deepEqual(r.rows, [{ uid: 'C6' }]);
  });

  it('a bound value containing quotes is data, not SQL', async () => {
    const r = await store.query(`SELECT count() AS n FROM ${store.table} WHERE uid = {u:String}`, { u: "x' OR '1'='1" });
    assert.deepEqual(r.rows, [{ n: 0 }]);
    const h = await store.query(`SELECT uid FROM ${store.table} WHERE history = {h:String}`, { h: "S'quote\"\\" });
    assert.deepEqual(h.rows, [{ uid: 'C6' }]);
  });

  it('passes a syntax error through as TCPLENS_ERR_QUERY with ClickHouse\'s message', async () => {
    await assert.rejects(store.query('SELEC 1'), (e: unknown) => {
      assert.ok(e instanceof StoreError);
      assert.equal(e.code, 'TCPLENS_ERR_QUERY');
      assert.equal(e.retriable, false);
      assert.match(e.message, /Syntax error/);
      return true;
    });
    await assert.rejects(store.query('SELECT * FROM q.no_such_table'), /Unknown table|UNKNOWN_TABLE|does not exist/);
  });

  it('refuses to be used after close', async () => {
    const other = await openStore({ dataDir: store.target, database: 'q' }); // same dir: shared engine
    await other.close();
    await assert.rejects(other.query('SELECT 1'), (e: unknown) => e instanceof StoreError && e.code === 'TCPLENS_ERR_STORE_CLOSED');
    const still = await store.query('SELECT 1 AS one');
    assert.deepEqual(still.rows, [{ one: 1 }]);
  });
});
