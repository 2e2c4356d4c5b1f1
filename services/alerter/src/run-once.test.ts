import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '@tcplens/store';
import { makeRecord, tempDir } from '@tcplens/store/testing';
import { runAlerter } from './run.js';
import { AlerterError } from './errors.js';
import { S, T, traffic } from './test-traffic.js';

const W = 10 * S;

let dataDir = '';
let configFile = '';

describe('tcplens alerter --once', () => {
  it('prints every firing alert as one JSON object per line, the default rule and a SQL rule, on event time', async () => {
    const dir = tempDir('alerter-once');
    const store = await openStore({ dataDir: dir });
    const w = store.writer();
    // steady: 30 conns (1 RST) on :80 and 100 conns (3 RSTs) on :81 per 10 s window; then a burst
    // on :80 and 4 refused attempts on 10.0.0.3:22 (too few for an RST alert of their own, and the
    // rest of the traffic, 104 conns with 7 RSTs, stays under the overall threshold 0.03 + 0.05)
    for (let k = 0; k < 11; k++) {
      for (const r of traffic('10.0.0.1', 80, T + k * W, W, 30, 1)) w.write(r);
      for (const r of traffic('10.0.0.1', 81, T + k * W, W, 100, 3)) w.write(r);
    }
    for (const r of traffic('10.0.0.1', 80, T + 10 * W, W, 40, 40, '192.168.7.7')) w.write(r);
    for (let i = 0; i < 4; i++) w.write(makeRecord({ uid: `Crej${i}`, ts: T + 10 * W + i * S, resp_h: '10.0.0.3', resp_p: 22, conn_state: 'REJ', close_kind: 'rst', rst_by: 'resp', rst_phase: 'handshake' }));
    await w.flush();
    await store.close();
    const config = join(dir, 'alerts.json');
    writeFileSync(config, JSON.stringify({
      rules: [
        { type: 'rst_spike', name: 'rst-spike', window: '10s', baselineWindows: 10 },
        {
          type: 'sql', name: 'refused', op: '>=', threshold: 3, window: '10s',
          sql: "SELECT toString(resp_p) AS scope, count() AS value FROM {database}.connections FINAL WHERE conn_state = 'REJ' AND ts > {window_start:DateTime64(6)} AND ts <= {window_end:DateTime64(6)} GROUP BY resp_p",
        },
      ],
    }));
    dataDir = dir;
    configFile = config;
    let out = '';
    const code = await runAlerter(['--data', dir, '--once', '--config', config, '--format', 'json'], { stdout: (s) => (out += s) });
    assert.equal(code, 0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => [l['rule'], l['state'], l['scope']]), [
      ['rst-spike', 'firing', { kind: 'service', server: '10.0.0.1:80', resp_h: '::ffff:10.0.0.1', resp_p: 80 }],
      ['refused', 'firing', { kind: 'custom', key: '22' }],
    ]);
    const rst = lines[0]!;
    // the newest connection (the last of :81, at T + 109.9 s + 1 µs) is "now": the window is the 10 s before
    assert.deepEqual(rst['window'], { start: '2024-03-01T12:01:39.900Z', end: '2024-03-01T12:01:49.900Z' });
    assert.equal(rst['started_at'], '2024-03-01T12:01:49.900Z');
    assert.deepEqual([rst['conns'], rst['rsts']], [70, 41]);
    assert.equal((rst['top_clients'] as { name: string }[])[0]?.name, '192.168.7.7');
    assert.equal((rst['example_uids'] as string[]).length, 5);
    assert.match(String(rst['sql']), /^SELECT count\(\) AS conns/);
    const sqlAlert = lines[1]!;
    assert.equal(sqlAlert['observed'], 4);
    assert.equal(sqlAlert['threshold'], 3);
    assert.match(String(sqlAlert['sql']), /ts > toDateTime64\('2024-03-01 12:01:39.900001', 6, 'UTC'\) AND ts <= toDateTime64\('2024-03-01 12:01:49.900001', 6, 'UTC'\)/);
  });

  it('continuous mode delivers the firing alerts to a webhook (given on the command line) and stops on its signal', async () => {
    const bodies: Record<string, unknown>[] = [];
    let failFirst = 1;
    let gotTwo: () => void = () => {};
    const two = new Promise<void>((r) => (gotTwo = r));
    const srv = createServer(async (req, res) => {
      let text = '';
      for await (const chunk of req) text += String(chunk);
      res.statusCode = failFirst-- > 0 ? 503 : 200; // the first attempt fails: delivered on the retry
      if (res.statusCode === 200) bodies.push(JSON.parse(text) as Record<string, unknown>);
      res.end();
      if (bodies.length === 2) gotTwo();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`;
    const stop = Promise.race([two, new Promise<void>((r) => setTimeout(r, 20_000))]);
    const code = await runAlerter(['--data', dataDir, '--config', configFile, '--interval', '100ms', '--webhook', url], { stdout: () => {}, stopSignal: stop });
    srv.close();
    assert.equal(code, 0);
    // event time does not move (no new connections), so the two alerts fire once and stay firing
    assert.deepEqual(bodies.map((b) => [b['rule'], b['state']]).sort(), [['refused', 'firing'], ['rst-spike', 'firing']]);
  });

  it('a rule that fails does not silence the others: --once prints their alerts and fails naming it; the loop goes on and counts it', async () => {
    const config = join(dataDir, 'alerts-broken.json');
    writeFileSync(config, JSON.stringify({
      rules: [
        { type: 'rst_spike', name: 'rst-spike', window: '10s', baselineWindows: 10 },
        { type: 'sql', name: 'broken', op: '>=', threshold: 1, window: '10s', sql: 'SELECT toString(resp_p) AS scope, count() AS value FROM {database}.no_such_table GROUP BY resp_p' },
      ],
    }));
    let out = '';
    await assert.rejects(runAlerter(['--data', dataDir, '--once', '--config', config], { stdout: (s) => (out += s) }), (e: unknown) => {
      assert.ok(e instanceof AlerterError && e.code === 'TCPLENS_ERR_ALERTER_RULE_FAILED', String(e));
      assert.match(e.message, /rule\(s\) broken could not be evaluated: .*no_such_table/);
      return true;
    });
    assert.deepEqual(out.trim().split('\n').map((l) => (JSON.parse(l) as { rule: string }).rule), ['rst-spike']);

    let url = '';
    let metricsText = '';
    const stop = (async () => {
      for (let i = 0; i < 400; i++) {
        await new Promise((r) => setTimeout(r, 50));
        if (url === '') continue;
        metricsText = await (await fetch(url)).text();
        if (/^tcplens_alerter_rule_failures_total\{rule="broken"\} ([3-9]|\d\d+)$/m.test(metricsText)) return;
      }
    })();
    const code = await runAlerter(['--data', dataDir, '--config', config, '--interval', '50ms', '--metrics-port', '0'], { stdout: () => {}, stopSignal: stop, onMetrics: (u) => (url = u) });
    assert.equal(code, 0);
    assert.match(metricsText, /^tcplens_alerter_rule_failures_total\{rule="broken"\} \d+$/m);
    assert.match(metricsText, /^tcplens_alerter_alerts_firing 1$/m, 'rst-spike still fires');
    assert.match(metricsText, /^tcplens_alerter_failed_cycles_total 0$/m, 'a failed rule is not a failed cycle');
  });

  it('rejects bad options together before opening anything', async () => {
    await assert.rejects(runAlerter(['--data', '/nonexistent', '--clickhouse', 'http://x', '--format', 'xml', '--interval', 'x']), (e: unknown) => {
      assert.ok(e instanceof AlerterError && e.code === 'TCPLENS_ERR_ALERTER_BAD_OPTION');
      assert.match(e.message, /--data and --clickhouse .*--format xml.*--format applies to --once.*--interval x/);
      return true;
    });
    await assert.rejects(runAlerter(['--bogus']), /TCPLENS|Unknown option/);
  });
});
