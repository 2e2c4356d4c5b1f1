import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AlertStates } from './state.js';
import type { Finding } from './alert.js';

const S = 1_000_000;
const f = (server: string, observed = 0.5): Finding => ({
  rule: 'r', scope: { kind: 'service', server, resp_h: '::1', resp_p: 1 }, observed, baseline: 0.1, threshold: 0.2,
  reason: 'baseline', windowStartUs: 0, windowEndUs: 0, topClients: [], topSensors: [], exampleUids: [], sql: '',
});

describe('alert states', () => {
  it('fires once, stays firing, resolves after resolveAfter without the condition, then cools down', () => {
    const st = new AlertStates({ resolveAfterUs: 10 * S, cooldownUs: 60 * S });
    const log: string[] = [];
    const at = (t: number, findings: Finding[]) => st.step(['r'], findings, t * S).forEach((e) => log.push(`${t}:${e.state}:${e.observed}`));
    at(0, [f('a', 0.5)]);
    at(5, [f('a', 0.7)]); // still firing: nothing emitted
    at(10, []); // false for 5 s < 10 s
    at(15, []); // false since 5 s... lastTrue was 5 -> 10 s: resolves
    at(20, [f('a')]); // within cooldown (resolved at 15, cooldown 60)
    at(80, [f('a', 0.9)]); // cooldown over
    assert.deepEqual(log, ['0:firing:0.5', '15:resolved:0.7', '80:firing:0.9']);
    assert.equal(st.firing().length, 1);
    assert.equal(st.firing()[0]?.startedUs, 80 * S);
  });
  it('keeps scopes apart and leaves other rules alone', () => {
    const st = new AlertStates({ resolveAfterUs: 0, cooldownUs: 0 });
    assert.deepEqual(st.step(['r'], [f('a'), f('b')], 0).map((e) => e.scope), [f('a').scope, f('b').scope]);
    // an evaluation of another rule does not resolve r's alerts
    assert.deepEqual(st.step(['other'], [], S), []);
    const ev = st.step(['r'], [f('b')], 2 * S);
    assert.deepEqual(ev.map((e) => [e.state, e.scope.kind === 'service' ? e.scope.server : '', e.startedUs, e.resolvedUs]), [['resolved', 'a', 0, 2 * S]]);
    assert.deepEqual([...st.firingKeys('r')], ['service:b']);
  });
});
