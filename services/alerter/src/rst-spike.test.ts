import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '@tcplens/store';
import { tempDir } from '@tcplens/store/testing';
import { parseConfig } from './config.js';
import { Alerter } from './evaluator.js';
import { judge } from './rst-spike.js';
import { S, T, traffic } from './test-traffic.js';

const W = 10 * S;
let store: Store;
before(async () => {
  store = await openStore({ dataDir: tempDir('alerter-rst') });
});
after(() => store?.close());

async function load(database: string, records: ReturnType<typeof traffic>): Promise<Alerter> {
  await store.command(`CREATE DATABASE IF NOT EXISTS ${database}`);
  await store.command(`CREATE TABLE ${database}.connections AS tcplens.connections`);
  const q = { database, query: store.query };
  const w = store.writer();
  for (const r of records) w.write(r);
  await w.flush();
  await store.command(`INSERT INTO ${database}.connections SELECT * FROM tcplens.connections`);
  await store.command('TRUNCATE TABLE tcplens.connections');
  const config = parseConfig({ resolveAfter: '10s', cooldown: '60s', topN: 2, examples: 3, rules: [{ type: 'rst_spike', name: 'rst-spike', window: '10s', baselineWindows: 10, minConns: 20, minRsts: 5 }] });
  return new Alerter(q, config);
}

/** 11 windows of steady traffic on A, B, C (30 conns, 1 RST each window) ending at T + 110 s. */
function steady(): ReturnType<typeof traffic> {
  const out = [];
  for (let k = 0; k < 11; k++) for (const port of [80, 81, 82]) out.push(...traffic('10.0.0.1', port, T + k * W, W, 30, 1));
  return out;
}
const NOW = T + 11 * W;

describe('rst-spike rule', () => {
  it('judge: volume gates, baseline and absolute thresholds', () => {
    const rule = parseConfig({}).rules[0]!;
    assert.equal(rule.type, 'rst_spike');
    if (rule.type !== 'rst_spike') return;
    const hist = Array.from({ length: 10 }, () => ({ conns: 100, rsts: 2 }));
    assert.equal(judge([{ conns: 100, rsts: 3 }, ...hist], rule), null); // 3% vs 2%: within minDelta
    // 10% vs 2% is above the threshold (7%), but in 60 connections that is 6 RSTs where 1.2 are
    // expected: 1.2 + 3·√1.2 = 4.5 is needed, so 6 fires; with z = 5 (1.2 + 5·√1.2 = 6.7) it does not
    const hist60 = Array.from({ length: 10 }, () => ({ conns: 60, rsts: 1.2 }));
    assert.equal(judge([{ conns: 60, rsts: 6 }, ...hist60], rule)?.reason, 'baseline');
    assert.equal(judge([{ conns: 60, rsts: 6 }, ...hist60], { ...rule, z: 5 }), null);
    assert.deepEqual(judge([{ conns: 100, rsts: 20 }, ...hist], rule), { observed: 0.2, baseline: 0.02, threshold: 0.02 + 0.05, reason: 'baseline' });
    assert.equal(judge([{ conns: 10, rsts: 9 }, ...hist], rule), null); // below minConns 20
    assert.equal(judge([{ conns: 100, rsts: 4 }], rule), null); // below minRsts 5, no history
    assert.deepEqual(judge([{ conns: 40, rsts: 30 }], rule), { observed: 0.75, baseline: null, threshold: 0.5, reason: 'absolute' });
  });

  it('a burst on one service fires for that service only, with evidence and SQL that reproduces it', async () => {
    const burst = traffic('10.0.0.1', 81, T + 10 * W, W, 30, 30, '192.168.9.9');
    const alerter = await load('burst', [...steady(), ...burst]);
    const calm = await alerter.evaluate(T + 10 * W); // before the burst
    assert.deepEqual(calm.events, []);
    const ev = await alerter.evaluate(NOW);
    assert.equal(ev.events.length, 1, JSON.stringify(ev.events.map((e) => e.scope)));
    const a = ev.events[0]!;
    assert.deepEqual(a.scope, { kind: 'service', server: '10.0.0.1:81', resp_h: '::ffff:10.0.0.1', resp_p: 81 });
    assert.equal(a.state, 'firing');
    assert.equal(a.conns, 60);
    assert.equal(a.rsts, 31);
    assert.equal(a.observed, 31 / 60);
    assert.equal(a.baseline, 1 / 30);
    assert.equal(a.reason, 'baseline');
    assert.equal(a.startedUs, NOW);
    assert.deepEqual(a.topClients, [{ name: '192.168.9.9', count: 30 }, { name: '192.168.1.2', count: 1 }]);
    assert.deepEqual(a.topSensors, [{ name: 'edge-1', count: 31 }]);
    assert.equal(a.exampleUids.length, 3);
    const again = await store.query(a.sql);
    assert.deepEqual(again.rows, [{ conns: 60, rsts: 31, rst_rate: 31 / 60 }]);
    // the uids are RST-closed connections of that service
    const ex = await store.query(`SELECT DISTINCT resp_p, close_kind FROM burst.connections WHERE uid IN ({u:Array(String)})`, { u: a.exampleUids });
    assert.deepEqual(ex.rows, [{ resp_p: 81, close_kind: 'rst' }]);
    // resolves once the burst window is over (no new traffic needed: the next windows are calm)
    const later = await alerter.evaluate(NOW + 2 * W);
    assert.deepEqual(later.events.map((e) => [e.state, e.scope.kind]), [['resolved', 'service']]);
  });

  it('a quiet service does not fire even at a high rate; a spread spike fires the overall scope', async () => {
    const quiet = traffic('10.0.0.9', 22, T + 10 * W, W, 6, 5);
    const spread = [];
    for (let p = 1000; p < 1010; p++) spread.push(...traffic('10.0.0.2', p, T + 10 * W, W, 5, 3));
    const alerter = await load('spread', [...steady(), ...quiet, ...spread]);
    const ev = await alerter.evaluate(NOW);
    assert.deepEqual(ev.events.map((e) => e.scope), [{ kind: 'overall' }]);
    const e = ev.events[0]!;
    // window: 3 × 30 steady (3 RSTs) + 6 quiet (5) + 50 spread (30)
    assert.deepEqual([e.conns, e.rsts], [146, 38]);
    assert.ok(e.baseline !== null && Math.abs(e.baseline - 1 / 30) < 1e-12);
    const again = await store.query(e.sql);
    assert.deepEqual(again.rows, [{ conns: 146, rsts: 38, rst_rate: 38 / 146 }]);
  });
});
