/** Runs the scenario table (scenarios-table.ts) through a tracker, one record set per case. */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { SCENARIOS_DATA_AND_EDGES, SCENARIOS_HANDSHAKE_AND_CLOSE } from './scenarios-table.js';
import { pick, run } from './test-run.js';

const all = [...SCENARIOS_HANDSHAKE_AND_CLOSE, ...SCENARIOS_DATA_AND_EDGES];

test('the scenario table has at least 40 packet sequences', () => {
  assert.ok(all.length >= 40, `${all.length} scenarios`);
});

for (const k of all) {
  test(`table: ${k.name}`, () => {
    const { records } = run(k.conv().packets);
    assert.equal(records.length, k.want.length);
    k.want.forEach((w, i) => assert.deepEqual(pick(records[i], w), w, `record ${i}`));
  });
}
