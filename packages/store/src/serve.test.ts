/**
 * The store endpoint (serve.ts): while another process owns an embedded store, openStore on the
 * same directory reaches it through that process's loopback endpoint — queries with parameters,
 * reports, commands, writes, engine errors — and a stale or foreign endpoint is not trusted.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from './store.js';
import { StoreError } from './errors.js';
import { ENDPOINT_FILE } from './serve.js';
import { makeRecord, tempDir, T0 } from './test-records.js';

const ownerJs = fileURLToPath(new URL('./test-owner.js', import.meta.url));

class Owner {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiters: (() => void)[] = [];
  constructor(dir: string, db: string) {
    this.child = spawn(process.execPath, [ownerJs, dir, db], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', (l) => {
      this.lines.push(l);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  async waitFor(prefix: string): Promise<string> {
    for (;;) {
      const i = this.lines.findIndex((l) => l.startsWith(prefix));
      if (i >= 0) return this.lines.splice(i, 1)[0]!;
      if (this.child.exitCode !== null) throw new Error(`owner exited ${this.child.exitCode} before "${prefix}"`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }
  send(line: string): void {
    this.child.stdin.write(line + '\n');
  }
}

describe('store endpoint: another process owns the directory', () => {
  const dir = tempDir('serve');
  let owner: Owner;
  let store: Store;
  before(async () => {
    owner = new Owner(dir, 'srv');
    await owner.waitFor('ready ');
    owner.send(JSON.stringify(makeRecord({ uid: 'Cowned1', resp_p: 443 })));
    owner.send(JSON.stringify(makeRecord({ uid: 'Cowned2', resp_p: 80, conn_state: 'REJ' })));
    owner.send('flush');
    await owner.waitFor('flushed');
    store = await openStore({ dataDir: dir, database: 'srv' });
  });
  after(async () => {
    await store?.close();
    owner.child.stdin.end();
    await new Promise((r) => owner.child.once('exit', r));
  });

  it('opens through the endpoint and says so; the endpoint file is private', () => {
    assert.equal(store.kind, 'url');
    assert.match(store.target, /served by pid \d+ at http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(statSync(join(dir, ENDPOINT_FILE)).mode & 0o777, 0o600);
  });

  it('reads the owner\'s rows with bound parameters', async () => {
    const r = await store.query(`SELECT uid, conn_state FROM ${store.table} FINAL WHERE resp_p = {p:UInt16} ORDER BY uid`, { p: 443 });
    assert.deepEqual(r.rows, [{ uid: 'Cowned1', conn_state: 'SF' }]);
    const tricky = "it's a \\ back\tslash\nnew";
    const s = await store.query('SELECT {s:String} AS s, {n:Nullable(String)} AS n, {a:Array(String)} AS a, {i:IPv6} AS i',
      { s: tricky, n: tricky, a: ["x'y", 'z\\w'], i: '::ffff:10.0.0.1' });
    assert.deepEqual(s.rows, [{ s: tricky, n: tricky, a: ["x'y", 'z\\w'], i: '::ffff:10.0.0.1' }]);
  });

  it('runs reports', async () => {
    const r = await store.report('states', { since: '7d' });
    const byState = Object.fromEntries(r.rows.map((x) => [x['conn_state'], Number(x['conns'])]));
    assert.equal(byState['SF'], 1);
    assert.equal(byState['REJ'], 1);
  });

  it('writes through the endpoint: rows the owner also sees', async () => {
    const w = store.writer();
    w.write(makeRecord({ uid: 'Cremote', ts: T0 + 5, resp_p: 8443 }));
    await w.flush();
    const r = await store.query(`SELECT count() AS n FROM ${store.table} FINAL`);
    assert.equal(Number(r.rows[0]!['n']), 3);
  });

  it('an engine error comes back as the same one-line query error', async () => {
    await assert.rejects(store.query('SELECT nope FROM srv.connections'), (e: unknown) => {
      assert.ok(e instanceof StoreError);
      assert.equal(e.code, 'TCPLENS_ERR_QUERY');
      assert.match(e.message, /nope/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  });

  it('refuses a request without the password from the endpoint file', async () => {
    const { url } = JSON.parse(readFileSync(join(dir, ENDPOINT_FILE), 'utf8')) as { url: string };
    const res = await fetch(url + '/', { method: 'POST', body: 'SELECT 1' });
    assert.equal(res.status, 401);
    const bad = await fetch(url + '/', { method: 'POST', body: 'SELECT 1', headers: { authorization: 'Basic ' + Buffer.from('tcplens:guess').toString('base64') } });
    assert.equal(bad.status, 401);
  });
});

describe('store endpoint: lifecycle of the file', () => {
  it('the owner removes the endpoint file when it closes; then the directory opens embedded', async () => {
    const dir = tempDir('serve-close');
    const owner = new Owner(dir, 'c');
    await owner.waitFor('ready ');
    assert.ok(existsSync(join(dir, ENDPOINT_FILE)));
    owner.child.stdin.end();
    const closed = await owner.waitFor('closed ');
    assert.ok(JSON.parse(closed.slice(7)).requests >= 0);
    await new Promise((r) => owner.child.once('exit', r));
    assert.equal(existsSync(join(dir, ENDPOINT_FILE)), false);
  });
});
