/**
 * docs/sql.md: every query runs against the known data of sql-doc-data.ts and returns the answer
 * worked out by hand from that data set's comments. A query added to the page without an expected
 * answer here fails the first test.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from './store.js';
import { tempDir } from './test-records.js';
import { cookbookRecords, MINUTE, T } from './sql-doc-data.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/sql.md', import.meta.url)), 'utf8');

/** `### N. Title` followed by a ```sql block. */
export function cookbookQueries(text: string): { n: number; title: string; sql: string }[] {
  return [...text.matchAll(/^### (\d+)\. (.+)\n[\s\S]*?```sql\n([\s\S]*?)```/gm)].map((m) => ({ n: Number(m[1]), title: m[2]!, sql: m[3]! }));
}

const A = '::ffff:10.0.0.1', B = '::ffff:10.0.0.2', C = '::ffff:10.0.0.3', D = '::ffff:10.0.0.4', E = '::ffff:10.0.0.5';
type Rows = Record<string, unknown>[];
const minuteText = (us: number) => new Date(us / 1000).toISOString().replace('T', ' ').slice(0, 19);

const EXPECTED: Record<number, (rows: Rows) => void> = {
  1: (rows) => assert.deepEqual(rows, [
    { server: B, port: 443, handshakes: 20, p50_us: 5000, p99_us: 5000 },
    { server: C, port: 5432, handshakes: 10, p50_us: 4000, p99_us: 4000 },
    { server: A, port: 80, handshakes: 40, p50_us: 1000, p99_us: 1000 },
  ]),
  2: (rows) => assert.deepEqual(rows, [{ server: B, port: 443, p99_now_us: 5000, p99_yesterday_us: 2000 }]),
  3: (rows) => assert.deepEqual(rows, [
    { server: D, port: 22, connections: 3, rst_teardowns: 3, refused: 3, rst_rate: 1 },
    { server: A, port: 80, connections: 40, rst_teardowns: 6, refused: 0, rst_rate: 0.15 },
    { server: B, port: 443, connections: 20, rst_teardowns: 2, refused: 0, rst_rate: 0.1 },
    { server: C, port: 5432, connections: 10, rst_teardowns: 0, refused: 0, rst_rate: 0 },
    { server: E, port: 3306, connections: 2, rst_teardowns: 0, refused: 0, rst_rate: 0 },
  ]),
  4: (rows) => assert.deepEqual(rows, [3, 4].map((i) => ({
    uid: `Cb${i}`, client: '::ffff:192.168.1.11', server: B, port: 443, rst_by: 'orig', teardown: 'rst_after_fin', history: 'ShADFR',
  }))),
  5: (rows) => assert.deepEqual(rows, [{ port: 22, refused: 3, servers: 1 }]),
  6: (rows) => assert.deepEqual(rows, [
    { client: '::ffff:192.168.1.10', resets: 6, reset_by_server: 6, services: 1 },
    { client: '::ffff:192.168.1.12', resets: 3, reset_by_server: 3, services: 1 },
    { client: '::ffff:192.168.1.11', resets: 2, reset_by_server: 0, services: 1 },
  ]),
  7: (rows) => {
    const totals: Record<string, number> = {};
    for (const r of rows) totals[String(r['bucket'])] = (totals[String(r['bucket'])] ?? 0) + Number(r['conns']);
    assert.deepEqual(totals, { '1-2ms': 40, '5-10ms': 20, '2-5ms': 10 });
    // minute 0 holds A (i=0) and C (i=0): two buckets, the faster first
    assert.deepEqual(rows.slice(0, 2), [
      { minute: minuteText(T), bucket: '1-2ms', conns: 1 },
      { minute: minuteText(T), bucket: '2-5ms', conns: 1 },
    ]);
    // A covers minutes 0..39 (B's odd minutes fall inside), C adds minutes 40 and 45
    assert.equal(new Set(rows.map((r) => r['minute'])).size, 42);
    assert.deepEqual(rows.at(-1), { minute: minuteText(T + 45 * MINUTE), bucket: '2-5ms', conns: 1 });
  },
  8: (rows) => assert.deepEqual(rows, [
    { server: A, port: 80, server_leg_p50_us: 500, client_leg_p50_us: 500, verdict: 'balanced' },
    { server: B, port: 443, server_leg_p50_us: 4900, client_leg_p50_us: 100, verdict: 'server busy' },
    { server: C, port: 5432, server_leg_p50_us: 100, client_leg_p50_us: 3900, verdict: 'client far' },
  ]),
  9: (rows) => assert.deepEqual(rows, [{ server: E, port: 3306, unanswered: 2, connections: 2 }]),
  10: (rows) => assert.deepEqual(rows, [
    { server: A, port: 80, bytes_up: 4000, bytes_down: 80000 },
    { server: B, port: 443, bytes_up: 2000, bytes_down: 40000 },
    { server: C, port: 5432, bytes_up: 1000, bytes_down: 20000 },
    { server: D, port: 22, bytes_up: 0, bytes_down: 0 },
    { server: E, port: 3306, bytes_up: 0, bytes_down: 0 },
  ]),
  11: (rows) => assert.deepEqual(rows, [
    { server: A, port: 80, connections: 40, sf: 34, rsto: 0, rstr: 6, rej: 0, s0: 0 },
    { server: B, port: 443, connections: 20, sf: 18, rsto: 2, rstr: 0, rej: 0, s0: 0 },
    { server: C, port: 5432, connections: 10, sf: 10, rsto: 0, rstr: 0, rej: 0, s0: 0 },
    { server: D, port: 22, connections: 3, sf: 0, rsto: 0, rstr: 0, rej: 3, s0: 0 },
    { server: E, port: 3306, connections: 2, sf: 0, rsto: 0, rstr: 0, rej: 0, s0: 2 },
  ]),
  12: (rows) => {
    // yesterday's reset on A first, then today's i = 10..13 (LIMIT 5)
    assert.deepEqual(rows.map((r) => [r['uid'], r['client'], r['conn_state']]), [
      ['Cya0', '::ffff:192.168.1.99', 'RSTR'],
      ...[10, 11, 12, 13].map((i) => [`Ca${i}`, '::ffff:192.168.1.10', 'RSTR']),
    ]);
  },
};

describe('docs/sql.md cookbook', () => {
  let store: Store;
  const queries = cookbookQueries(doc);
  before(async () => {
    store = await openStore({ dataDir: tempDir('cookbook') });
    const w = store.writer();
    for (const r of cookbookRecords()) w.write(r);
    await w.flush();
  });
  after(() => store?.close());

  it('has at least 10 queries, numbered 1..n, each with a checked answer', () => {
    assert.ok(queries.length >= 10, `only ${queries.length} queries`);
    assert.deepEqual(queries.map((q) => q.n), queries.map((_, i) => i + 1));
    assert.deepEqual(Object.keys(EXPECTED).map(Number), queries.map((q) => q.n));
  });

  for (const q of cookbookQueries(doc)) {
    it(`${q.n}. ${q.title}`, async () => {
      const r = await store.query(q.sql);
      EXPECTED[q.n]!(r.rows);
    });
  }
});
