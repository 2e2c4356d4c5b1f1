/**
 * Benchmark: N stored connections (default 10M) over 24 h and 500 services, generated inside
 * ClickHouse (INSERT ... SELECT FROM numbers(N); the materialized view fills the rollup as in
 * production), then timed: rollup queries against the same questions on the raw table, and the
 * alerter's default rule per evaluation cycle.
 *
 *   node services/alerter/dist/bench.js [ROWS] [DATA_DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@tcplens/store';
import { parseConfig } from './config.js';
import { Alerter } from './evaluator.js';

const rows = Number(process.argv[2] ?? 10_000_000);
const dir = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'tcplens-alerter-bench-'));
const store = await openStore({ dataDir: dir });
const time = async <T>(label: string, f: () => Promise<T>, runs = 3): Promise<T> => {
  let out: T | undefined;
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = await f();
    ms.push(performance.now() - t0);
  }
  console.log(`${label}: ${ms.map((m) => m.toFixed(0)).join(' / ')} ms`);
  return out!;
};

const n = (await store.query('SELECT count() AS n FROM tcplens.connections')).rows[0]?.['n'];
if (Number(n) < rows) {
  await time(`insert ${rows} rows (raw + rollup view)`, () => store.command(
    `INSERT INTO tcplens.connections (uid, ts, last_ts, orig_h, orig_p, resp_h, resp_p, ip_version, conn_state, close_kind, rst_by, rst_phase,
       syn_to_synack_us, synack_to_ack_us, handshake_us, orig_bytes, resp_bytes, sensor_id, sensors)
     SELECT concat('C', toString(number)), t, t + toIntervalMillisecond(50),
       toIPv6(IPv4NumToString(toUInt32(3232235776 + number % 50000))), 1024 + number % 60000,
       toIPv6(IPv4NumToString(toUInt32(167772160 + (number % 500)))), if(number % 2 = 0, 443, 80), 4,
       if(rst, 'RSTR', 'SF'), if(rst, 'rst', 'fin_both'), if(rst, 'resp', ''), if(rst, 'established', ''),
       s, c, s + c, 300, 5000, concat('edge-', toString(number % 4)), [concat('edge-', toString(number % 4))]
     FROM (SELECT number, toDateTime64('2024-03-01 00:00:00', 6, 'UTC') + toIntervalMicrosecond(intDiv(number * 86400000000, ${rows})) AS t,
             cityHash64(number) % 100 < 3 AS rst, 100 + cityHash64(number, 1) % 900 AS s, 50 + cityHash64(number, 2) % 400 AS c
           FROM numbers(${rows}))`,
  ), 1);
}
console.log(`rows: ${(await store.query('SELECT count() AS n FROM tcplens.connections')).rows[0]?.['n']}, rollup rows: ${(await store.query('SELECT count() AS n FROM tcplens.connections_1m')).rows[0]?.['n']}`);

const last = `(SELECT max(ts) FROM tcplens.connections)`;
await time('rollup: p50/p99 handshake per service, last hour (cookbook 1)', () => store.query(
  `WITH toStartOfMinute(${last}) AS now_m SELECT resp_h, resp_p, quantilesTDigestMerge(0.5, 0.99)(handshake_us_q) AS q FROM tcplens.connections_1m WHERE minute > now_m - INTERVAL 1 HOUR GROUP BY resp_h, resp_p`));
await time('raw:    p50/p99 handshake per service, last hour (quantilesExact, FINAL)', () => store.query(
  `SELECT resp_h, resp_p, quantilesExact(0.5, 0.99)(handshake_us) AS q FROM tcplens.connections FINAL WHERE ts > ${last} - INTERVAL 1 HOUR GROUP BY resp_h, resp_p`));
await time('rollup: RST rate per service, whole day', () => store.query(
  'SELECT resp_h, resp_p, sum(rst_closed) / sum(conns) AS r FROM tcplens.connections_1m GROUP BY resp_h, resp_p'));
await time('raw:    RST rate per service, whole day (FINAL)', () => store.query(
  "SELECT resp_h, resp_p, countIf(close_kind = 'rst') / count() AS r FROM tcplens.connections FINAL GROUP BY resp_h, resp_p"));

for (const window of ['1m', '10s']) {
  const alerter = new Alerter(store, parseConfig({ rules: [{ type: 'rst_spike', name: 'rst-spike', window, baselineWindows: 30 }] }));
  const ev = await time(`alerter cycle, rst-spike window ${window} × 31 windows, ${rows} rows stored`, () => alerter.evaluate(), 5);
  console.log(`  firing after the last cycle: ${ev.firing.length}`);
}
await store.close();
if (process.argv[3] === undefined) rmSync(dir, { recursive: true, force: true });
