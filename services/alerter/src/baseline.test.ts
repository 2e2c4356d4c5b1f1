import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mad, median, robustBaseline } from './baseline.js';

describe('baseline', () => {
  it('median and MAD of small samples', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
    // deviations from 2: 1, 1, 0, 0, 98 -> median 1
    assert.equal(mad([1, 2, 3, 2, 100]), 1);
  });
  it('one outlier in the history barely moves the threshold', () => {
    const p = { k: 3, minDelta: 0.05, minWindows: 3 };
    const calm = robustBaseline([0.1, 0.12, 0.08, 0.1, 0.11], p);
    const withBurst = robustBaseline([0.1, 0.12, 0.08, 0.1, 0.9], p);
    assert.equal(calm.median, 0.1);
    assert.equal(withBurst.median, 0.1);
    // MAD 0.01 -> 3 * 1.4826 * 0.01 = 0.0445 < minDelta 0.05
    assert.equal(calm.threshold, 0.1 + 0.05);
    assert.ok(withBurst.threshold < 0.2, String(withBurst.threshold));
  });
  it('a flat history uses minDelta; a short one gives no baseline', () => {
    const p = { k: 3, minDelta: 0.2, minWindows: 3 };
    assert.equal(robustBaseline([0, 0, 0, 0], p).threshold, 0.2);
    assert.ok(Number.isNaN(robustBaseline([0, 0], p).threshold));
    assert.equal(robustBaseline([0, 0], p).windows, 2);
  });
});
