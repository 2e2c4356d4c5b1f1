import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from './store.js';
import { StoreError } from './errors.js';
import type { Backend } from './backend.js';
import { createWriter } from './writer.js';
import { makeRecord, tempDir, T0 } from './test-records.js';

describe('writer', () => {
  let store: Store;
  before(async () => {
    store = await openStore({ dataDir: tempDir('writer'), database: 'w' });
  });
  after(() => store.close());

  it('returns a promise only when a write fills a batch', async () => {
    const w = store.writer({ batchRows: 3 });
    const results = [1, 2, 3, 4].map((i) => w.write(makeRecord({ uid: `Csmall${i}`, ts: T0 + i })));
    assert.deepEqual(results.map((r) => r instanceof Promise), [false, false, true, false]);
    await results[2];
    await w.flush();
    assert.deepEqual({ ...w.stats }, { rows: 4, batches: 2 });
    await w.flush(); // nothing buffered: no empty insert
    assert.equal(w.stats.batches, 2);
  });

  it('writes 200k rows in a few large inserts (few parts), every row once', async (t) => {
    const N = 200_000;
    const base = makeRecord();
    const w = store.writer({ batchRows: 50_000 });
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const p = w.write({ ...base, uid: `C${i}`, ts: T0 + i * 1000, last_ts: T0 + i * 1000 + 500, orig_p: 1024 + (i % 60000), resp_h: i % 2 ? '10.1.1.1' : '2001:db8::1', handshake_us: i % 3 ? i : null });
      if (p) await p;
    }
    await w.flush();
    const seconds = (performance.now() - t0) / 1000;
    t.diagnostic(`writer: ${N} rows in ${seconds.toFixed(2)} s = ${Math.round(N / seconds)} rows/s (encode + chdb insert)`);
    assert.deepEqual({ ...w.stats }, { rows: N, batches: 4 });
    const r = await store.query(
      "SELECT count() AS n, uniqExact(uid) AS uids, countIf(handshake_us IS NULL) AS nulls, max(toUnixTimestamp64Micro(ts)) AS last FROM w.connections WHERE startsWith(uid, 'C') AND NOT startsWith(uid, 'Csmall')",
    );
    assert.deepEqual(r.rows, [{ n: N, uids: N, nulls: Math.ceil(N / 3), last: T0 + (N - 1) * 1000 }]);
    const parts = await store.query("SELECT count() AS parts FROM system.parts WHERE database = 'w' AND table = 'connections' AND active");
    assert.ok(Number(parts.rows[0]?.['parts']) <= 6, `parts: ${JSON.stringify(parts.rows)}`);
  });

  it('a failed insert rejects flush with TCPLENS_ERR_QUERY instead of dropping the batch silently', async () => {
    const w = store.writer({ batchRows: 10 });
    w.write(makeRecord({ uid: 'Cbad', orig_pkts: 'many' as unknown as number })); // not a number: the engine rejects the row
    await assert.rejects(w.flush(), (e: unknown) => e instanceof StoreError && e.code === 'TCPLENS_ERR_QUERY');
    assert.equal(w.stats.rows, 0);
  });
});

describe('writer pipelining', () => {
  /** A backend whose inserts finish only when the test says so, in order. */
  function scripted(): { backend: Backend; started: number[]; finish(): void } {
    const pending: (() => void)[] = [];
    const started: number[] = [];
    const backend = {
      kind: 'url', target: 'scripted', client: undefined as never,
      insertRaw: (_t: string, _c: readonly string[], _f: string, body: Buffer) => {
        started.push(body.toString().split('\n').filter((l) => l !== '').length);
        return new Promise<void>((r) => pending.push(r));
      },
      close: async () => undefined,
    } as unknown as Backend;
    return { backend, started, finish: () => pending.shift()?.() };
  }
  const settled = async (p: unknown): Promise<boolean> => {
    let done = false;
    void Promise.resolve(p).then(() => (done = true));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    return done;
  };

  /** Finishes inserts as they start until `p` settles (each insert starts after the one before). */
  const drain = async (s: { finish(): void }, p: Promise<void>): Promise<void> => {
    while (!(await settled(p))) s.finish();
  };

  it('lets the caller go on while up to queuedBatches full batches wait or insert, then makes it wait for the oldest', async () => {
    const s = scripted();
    const w = createWriter(s.backend, 't', { batchRows: 1, queuedBatches: 2 });
    const p1 = w.write(makeRecord({ uid: 'Cpipe1' }));
    const p2 = w.write(makeRecord({ uid: 'Cpipe2' }));
    assert.ok(await settled(p1), 'the first full batch: no wait');
    assert.ok(await settled(p2), 'the second: still no wait, two batches outstanding');
    assert.deepEqual(s.started, [1], 'inserts run one at a time');
    const p3 = w.write(makeRecord({ uid: 'Cpipe3' }));
    assert.equal(await settled(p3), false, 'the third waits for the first insert');
    s.finish();
    assert.ok(await settled(p3));
    assert.deepEqual(s.started, [1, 1]);
    await drain(s, w.flush());
    assert.deepEqual(s.started, [1, 1, 1]);
    assert.deepEqual({ ...w.stats }, { rows: 3, batches: 3 });
  });

  it('seal() cuts on time with the same backpressure: the caller waits once queuedBatches cuts are outstanding', async () => {
    const s = scripted();
    const w = createWriter(s.backend, 't', { batchRows: 1000, queuedBatches: 2 });
    const cut = (uid: string): Promise<void> => {
      void w.write(makeRecord({ uid }));
      return w.seal();
    };
    assert.ok(await settled(cut('Cseal1')));
    assert.ok(await settled(cut('Cseal2')));
    const p3 = cut('Cseal3');
    assert.equal(await settled(p3), false, 'a third cut waits for the first insert');
    s.finish();
    assert.ok(await settled(p3));
    await drain(s, w.flush());
    assert.deepEqual({ ...w.stats }, { rows: 3, batches: 3 });
  });

  it('queuedBatches 1 is double buffering: the second full batch waits for the first insert', async () => {
    const s = scripted();
    const w = createWriter(s.backend, 't', { batchRows: 1, queuedBatches: 1 });
    assert.ok(await settled(w.write(makeRecord({ uid: 'Cdb1' }))));
    const p2 = w.write(makeRecord({ uid: 'Cdb2' }));
    assert.equal(await settled(p2), false);
    s.finish();
    assert.ok(await settled(p2));
    await drain(s, w.flush());
    assert.deepEqual({ ...w.stats }, { rows: 2, batches: 2 });
  });
});
