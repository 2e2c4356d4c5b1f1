/**
 * Proof of the default rule on real traffic: three loopback services get steady traffic with
 * occasional resets, then one gets a burst of RST-closed connections. The capture is analysed into
 * a store by the CLI, then the alerter is stepped through the capture's own timeline, one
 * evaluation per interval of event time (what the continuous mode does with "now" advancing):
 * exactly one alert fires, for the burst's service, within one interval plus the time the burst
 * needs to reach minRsts; none for the others; it resolves after the burst.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from '@tcplens/store';
import { parseConfig } from './config.js';
import { Alerter } from './evaluator.js';
import type { AlertEvent } from './alert.js';
import { capture, drive, service, type Service } from './loopback-traffic.js';

const CLI = fileURLToPath(new URL('../../cli/bin/tcplens.js', import.meta.url));
const required = process.env['CI'] === 'true' || process.env['TCPLENS_REQUIRE_INTEGRATION'] === '1';
const hasTcpdump = spawnSync('tcpdump', ['--version']).status === 0;
const skip = hasTcpdump && process.getuid?.() === 0 ? false : 'needs tcpdump and root to capture on lo';
if (skip && required) throw new Error(`burst test required but cannot run: ${skip}`);

const STEADY_PER_S = 10;
const BURST_PER_S = 40;
const INTERVAL_US = 1_000_000;
const RULE = { type: 'rst_spike', name: 'rst-spike', window: '2s', baselineWindows: 10, minBaselineWindows: 5, minConns: 15, minRsts: 5 };

describe('rst-spike on real loopback traffic', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-alerter-burst-'));
  const services: Service[] = [];
  let store: Store | undefined;
  after(async () => {
    await store?.close();
    for (const s of services) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one alert for the burst service, in time, none for the others, resolved after', { timeout: 180_000 }, async (t) => {
    for (let i = 0; i < 3; i++) services.push(await service());
    const [a, b, c] = services as [Service, Service, Service];
    const file = join(dir, 'burst.pcap');
    const cap = await capture(file, services.map((s) => s.port));
    // 25 s of steady traffic on all three (every 15th connection reset), with a 3 s burst of
    // RST-closed connections on b from second 14.
    const steady = services.map((s) => drive(s.port, STEADY_PER_S, 25, (i) => i % 15 === 7));
    await new Promise((r) => setTimeout(r, 14_000));
    const burst = drive(b.port, BURST_PER_S, 3, () => true);
    await Promise.all([...steady, burst]);
    await cap.stop();

    const data = join(dir, 'store');
    const analyze = spawnSync(process.execPath, [CLI, 'analyze', '--data', data, '--sensor-id', 'lo-test', '--format', 'summary', file], { encoding: 'utf8' });
    assert.equal(analyze.status, 0, analyze.stderr);
    store = await openStore({ dataDir: data });
    const q = async (sql: string) => (await store!.query(sql)).rows;
    const server = (s: Service) => `127.0.0.1:${s.port}`;
    // the burst as stored: its first RST-closed connection on b after the steady resets start
    const [span] = await q(`SELECT toUnixTimestamp64Micro(min(ts)) AS t0, toUnixTimestamp64Micro(max(ts)) AS t1, count() AS n FROM tcplens.connections`);
    const perService = await q(`SELECT resp_p, count() AS n, countIf(close_kind = 'rst') AS rsts FROM tcplens.connections GROUP BY resp_p ORDER BY resp_p`);
    t.diagnostic(`stored ${JSON.stringify(perService)}`);
    for (const s of [a, c]) {
      const row = perService.find((r) => r['resp_p'] === s.port);
      assert.ok(row && Number(row['n']) >= 240 && Number(row['rsts']) >= 14, `steady traffic on ${s.port}: ${JSON.stringify(row)}`);
    }
    const bRow = perService.find((r) => r['resp_p'] === b.port);
    assert.ok(bRow && Number(bRow['rsts']) >= 16 + 110, `burst stored on ${b.port}: ${JSON.stringify(bRow)}`);
    // burst start: the first second on b with more than 3 RST teardowns
    const [first] = await q(
      `SELECT min(us) AS t FROM (SELECT us, count() OVER (ORDER BY us RANGE BETWEEN CURRENT ROW AND 1000000 FOLLOWING) AS n
       FROM (SELECT toUnixTimestamp64Micro(ts) AS us FROM tcplens.connections WHERE resp_p = ${b.port} AND close_kind = 'rst')) WHERE n > 3`,
    );
    const burstStart = Number(first?.['t']);

    const alerter = new Alerter(store, parseConfig({ resolveAfter: '2s', cooldown: '30s', rules: [RULE] }));
    const events: AlertEvent[] = [];
    const cycleMs: number[] = [];
    const t0 = Number(span?.['t0']);
    const t1 = Number(span?.['t1']);
    for (let now = t0 + 10 * INTERVAL_US; now <= t1 + 5 * INTERVAL_US; now += INTERVAL_US) {
      const ev = await alerter.evaluate(now);
      cycleMs.push(ev.elapsedMs);
      events.push(...ev.events);
    }
    for (const e of events) {
      const scope = e.scope.kind === 'service' ? e.scope.server : e.scope.kind;
      t.diagnostic(`${e.state} ${scope} at ${((e.state === 'firing' ? e.startedUs : e.resolvedUs!) - burstStart) / 1e6}s from burst: ${e.rsts}/${e.conns} = ${e.observed.toFixed(3)}, baseline ${e.baseline?.toFixed(3)}, threshold ${e.threshold?.toFixed(3)}`);
    }
    const firing = events.filter((e) => e.state === 'firing');
    assert.deepEqual(firing.map((e) => e.scope.kind === 'service' ? e.scope.server : e.scope.kind), [server(b)]);
    const alert = firing[0]!;
    const timeToAlertS = (alert.startedUs - burstStart) / 1e6;
    const bound = INTERVAL_US / 1e6 + RULE.minRsts / BURST_PER_S;
    t.diagnostic(`time to alert ${timeToAlertS.toFixed(3)} s (event time; bound ${bound} s); observed ${alert.observed.toFixed(3)} vs baseline ${alert.baseline?.toFixed(3)}`);
    assert.ok(timeToAlertS >= 0 && timeToAlertS <= bound, `time to alert ${timeToAlertS} s`);
    assert.ok(alert.topClients.length > 0 && alert.exampleUids.length > 0);
    const resolved = events.filter((e) => e.state === 'resolved');
    assert.equal(resolved.length, 1);
    assert.ok(resolved[0]!.resolvedUs! > alert.startedUs + 2 * INTERVAL_US);
    const sorted = [...cycleMs].sort((x, y) => x - y);
    t.diagnostic(`evaluation per cycle: median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms over ${cycleMs.length} cycles`);
  });
});
