import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from './store.js';
import { StoreError } from './errors.js';
import { COLUMNS } from './columns.js';
import { SCHEMA_VERSION } from './ddl.js';
import { makeRecord, tempDir } from './test-records.js';

const dir = tempDir('migrate');
const opened: Store[] = [];
async function open(database: string, ttlDays?: number): Promise<Store> {
  const s = await openStore(ttlDays === undefined ? { dataDir: dir, database } : { dataDir: dir, database, ttlDays });
  opened.push(s);
  return s;
}
after(async () => {
  for (const s of opened) await s.close();
});

const isCode = (code: string) => (e: unknown) => {
  assert.ok(e instanceof StoreError, `expected StoreError, got ${String(e)}`);
  assert.equal(e.code, code);
  return true;
};

describe('migrate', () => {
  it('creates database, tables and version row; a second migrate changes nothing', async () => {
    const s = await open('m1');
    assert.deepEqual(s.migration.createdTables.sort(), ['connections', 'connections_1m', 'connections_1m_mv', 'schema_version']);
    assert.equal(s.migration.fromVersion, 0);
    assert.equal(s.migration.toVersion, SCHEMA_VERSION);
    const again = await s.migrate();
    assert.deepEqual(again, {
      fromVersion: SCHEMA_VERSION, toVersion: SCHEMA_VERSION, createdTables: [], addedColumns: [], extraColumns: [], ttlDays: 30,
      rollupTtlDays: 365, replacedViews: [], backfilledRows: 0,
    });
    const v = await s.query('SELECT version FROM m1.schema_version');
    assert.deepEqual(v.rows, [{ version: SCHEMA_VERSION }]);
    const cols = await s.query("SELECT name, type FROM system.columns WHERE database = 'm1' AND table = 'connections' ORDER BY position");
    assert.deepEqual(cols.rows, COLUMNS.map((c) => ({ name: c.name, type: c.type })));
    const t = await s.query("SELECT engine, sorting_key, partition_key FROM system.tables WHERE database = 'm1' AND name = 'connections'");
    assert.deepEqual(t.rows, [{ engine: 'ReplacingMergeTree', sorting_key: 'resp_h, resp_p, ts, uid', partition_key: 'toDate(ts)' }]);
  });

  it('adds missing columns to an older table, in place, keeping its rows and extra columns', async () => {
    const s = await open('m2');
    // A version-1 store: no rollup yet.
    await s.command('DROP VIEW m2.connections_1m_mv');
    await s.command('DROP TABLE m2.connections_1m');
    await s.command('DROP TABLE m2.connections');
    // An "older" table: only a few of today's columns, plus one column this code does not know.
    await s.command(
      "CREATE TABLE m2.connections (uid String, ts DateTime64(6, 'UTC'), resp_h IPv6, resp_p UInt16, legacy String) " +
        'ENGINE = ReplacingMergeTree ORDER BY (resp_h, resp_p, ts, uid)',
    );
    await s.command("INSERT INTO m2.connections (uid, ts, resp_h, resp_p, legacy) VALUES ('Cold', '2024-01-01 00:00:00', '10.0.0.9', 22, 'keep')");
    const r = await s.migrate();
    const expectedAdded = COLUMNS.map((c) => c.name).filter((n) => !['uid', 'ts', 'resp_h', 'resp_p'].includes(n));
    assert.deepEqual(r.addedColumns, expectedAdded);
    assert.deepEqual(r.extraColumns, ['legacy']);
    assert.deepEqual(r.createdTables, ['connections_1m', 'connections_1m_mv']);
    assert.equal(r.backfilledRows, 1);
    const cols = await s.query("SELECT name FROM system.columns WHERE database = 'm2' AND table = 'connections' ORDER BY position");
    assert.deepEqual(cols.rows.map((x) => x['name']), [...COLUMNS.map((c) => c.name), 'legacy']);
    const old = await s.query("SELECT uid, legacy, history, handshake_us FROM m2.connections WHERE uid = 'Cold'");
    assert.deepEqual(old.rows, [{ uid: 'Cold', legacy: 'keep', history: '', handshake_us: null }]);
    // and the writer can fill the migrated table
    const w = s.writer();
    w.write(makeRecord({ uid: 'Cnew' }));
    await w.flush();
    const n = await s.query('SELECT count() AS n FROM m2.connections');
    assert.deepEqual(n.rows, [{ n: 2 }]);
    assert.deepEqual((await s.migrate()).addedColumns, []);
  });

  it('refuses a column whose type differs instead of retyping it', async () => {
    const s = await open('m3');
    await s.command('ALTER TABLE m3.connections MODIFY COLUMN history LowCardinality(String)');
    await assert.rejects(s.migrate(), (e: unknown) => {
      isCode('TCPLENS_ERR_STORE_SCHEMA_MISMATCH')(e);
      assert.match((e as Error).message, /history is LowCardinality\(String\), expected String/);
      return true;
    });
  });

  it('refuses a store written by a newer tcplens (TCPLENS_ERR_STORE_TOO_NEW), touching nothing', async () => {
    const s = await open('m4');
    await s.command(`INSERT INTO m4.schema_version (version) VALUES (${SCHEMA_VERSION + 1})`);
    await assert.rejects(s.migrate(), (e: unknown) => {
      isCode('TCPLENS_ERR_STORE_TOO_NEW')(e);
      assert.equal((e as StoreError).retriable, false);
      assert.match((e as Error).message, new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this tcplens understands \\(${SCHEMA_VERSION}\\)`));
      return true;
    });
    await assert.rejects(openStore({ dataDir: dir, database: 'm4' }), isCode('TCPLENS_ERR_STORE_TOO_NEW'));
  });

  it('TTL: 30 days by default, changed only when asked, 0 removes it', async () => {
    const engine = async (s: Store, db: string) =>
      String((await s.query(`SELECT engine_full AS e FROM system.tables WHERE database = '${db}' AND name = 'connections'`)).rows[0]?.['e']);
    const s = await open('m5');
    assert.match(await engine(s, 'm5'), /TTL toDateTime\(inserted_at\) \+ toIntervalDay\(30\)/);
    const s7 = await open('m5', 7);
    assert.equal(s7.migration.ttlDays, 7);
    assert.match(await engine(s, 'm5'), /toIntervalDay\(7\)/);
    const again = await open('m5'); // no ttlDays: keeps 7
    assert.equal(again.migration.ttlDays, 7);
    const none = await open('m5', 0);
    assert.equal(none.migration.ttlDays, 0);
    assert.doesNotMatch(await engine(s, 'm5'), /TTL/);
    const fresh = await open('m6', 0);
    assert.doesNotMatch(await engine(fresh, 'm6'), /TTL/);
  });
});

describe('openStore errors', () => {
  it('an unwritable data directory names the directory', async () => {
    const file = join(tempDir('file'), 'plain-file');
    writeFileSync(file, 'x');
    const bad = join(file, 'data');
    await assert.rejects(openStore({ dataDir: bad }), (e: unknown) => {
      isCode('TCPLENS_ERR_STORE_DIR_UNWRITABLE')(e);
      assert.ok((e as Error).message.includes(bad), (e as Error).message);
      return true;
    });
  });

  it('a second data directory in the same process is a clear error', async () => {
    await assert.rejects(openStore({ dataDir: tempDir('second') }), isCode('TCPLENS_ERR_STORE_ONE_DIR_PER_PROCESS'));
  });

  it('a directory held by another process is TCPLENS_ERR_STORE_LOCKED naming the directory', () => {
    const index = fileURLToPath(new URL('./index.js', import.meta.url));
    const script =
      `import(${JSON.stringify(index)}).then((m) => m.openStore({ dataDir: ${JSON.stringify(dir)} }))` +
      `.then(() => console.log('OPENED'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message, retriable: e.retriable })))`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    const out = JSON.parse(last) as { code: string; message: string; retriable: boolean };
    assert.equal(out.code, 'TCPLENS_ERR_STORE_LOCKED');
    assert.equal(out.retriable, true);
    assert.match(out.message, new RegExp(`the store ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another tcplens process \\(pid ${process.pid}\\)`));
  });

  it('an unreachable URL fails fast with one retriable line naming the URL (password hidden)', async () => {
    await assert.rejects(openStore({ url: 'http://tcplens:secret@127.0.0.1:9/' }), (e: unknown) => {
      isCode('TCPLENS_ERR_STORE_UNREACHABLE')(e);
      assert.equal((e as StoreError).retriable, true);
      const msg = (e as Error).message;
      assert.match(msg, /^cannot reach ClickHouse at http:\/\/tcplens:\*\*\*@127\.0\.0\.1:9\/: /);
      assert.ok(!msg.includes('secret'));
      assert.ok(!msg.includes('\n'));
      return true;
    });
  });

  it('validates options up front, all problems in one error', async () => {
    await assert.rejects(openStore({ dataDir: dir, database: 'x;DROP', ttlDays: -1, url: 'ftp://x' }), (e: unknown) => {
      isCode('TCPLENS_ERR_STORE_BAD_OPTION')(e);
      assert.match((e as Error).message, /database .* ttlDays .* url/);
      return true;
    });
  });
});
