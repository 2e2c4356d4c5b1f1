import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { ConnTable } from './conn-table.js';
import { LifecycleError } from './errors.js';
import { resolveOptions } from './options.js';
import { Store } from './store.js';

/** Inserts n connections with colliding hashes, removes every third, checks every lookup. */
for (const form of ['IPv6 (8-word pool)', 'IPv4-mapped (2 words)'] as const) {
  test(`table, ${form}: inserts, backward-shift removals and lookups in both directions`, () => {
    const st = new Store(16); // grows by doubling on the way
    const t = new ConnTable(st);
    const key = new Int32Array(8);
    const live = new Map<number, number>();
    const setKey = (i: number) => {
      key.fill(0);
      if (form !== 'IPv6 (8-word pool)') key[2] = key[6] = 0xffff;
      key[3] = i;
      key[7] = 0x7f000001;
    };
    for (let i = 0; i < 5000; i++) {
      setKey(i);
      const h = i % 7; // heavy collisions: long probe runs that removals must keep intact
      const slot = st.alloc(0);
      t.insert(slot, h, key, 1000 + (i % 50), 80, false);
      live.set(i, slot);
    }
    for (let i = 0; i < 5000; i += 3) {
      const s = live.get(i);
      if (s !== undefined) {
        t.remove(s);
        st.release(s);
      }
      live.delete(i);
    }
    assert.equal(t.size, live.size);
    const out = new Int32Array(8);
    for (let i = 0; i < 5000; i++) {
      setKey(i);
      const want = live.get(i) ?? -1;
      const fwd = t.find(i % 7, key, 1000 + (i % 50), 80);
      assert.equal(fwd, want, `forward ${i}`);
      if (fwd >= 0) {
        assert.equal(t.foundIsOrig, true);
        t.addresses(fwd, out);
        assert.deepEqual([...out], [...key]);
      }
      const rev = new Int32Array([...key.subarray(4), ...key.subarray(0, 4)]);
      const back = t.find(i % 7, rev, 80, 1000 + (i % 50));
      assert.equal(back, want, `reverse ${i}`);
      if (back >= 0) assert.equal(t.foundIsOrig, false);
    }
    assert.equal(t.slots().length, live.size);
  });
}

test('table: a flipped insert stores the destination as originator; swapRoles swaps back', () => {
  const st = new Store(4);
  const t = new ConnTable(st);
  const key = new Int32Array([0, 0, 0xffff, 0x0a000001, 0, 0, 0xffff, 0x0a000002]);
  const s = st.alloc(0);
  t.insert(s, 5, key, 40000, 80, true);
  assert.equal(st.ports[s], (80 << 16) | 40000);
  assert.equal(t.find(5, key, 40000, 80), s);
  assert.equal(t.foundIsOrig, false);
  t.swapRoles(s);
  assert.equal(st.ports[s], (40000 << 16) | 80);
  assert.equal(t.find(5, key, 40000, 80), s);
  assert.equal(t.foundIsOrig, true);
});

test('symmetric hash: both directions of a tuple hash the same', () => {
  const a = new Int32Array([0, 0, 0xffff, 0x0a000001, 0, 0, 0xffff, 0x0a000002]);
  const b = new Int32Array([0, 0, 0xffff, 0x0a000002, 0, 0, 0xffff, 0x0a000001]);
  assert.equal(ConnTable.hashKey(a, 40000, 80), ConnTable.hashKey(b, 80, 40000));
  assert.notEqual(ConnTable.hashKey(a, 40000, 80), ConnTable.hashKey(a, 40001, 80));
});

test('options: all problems reported together with a stable code', () => {
  assert.throws(
    () => resolveOptions({ inactivityTimeoutUs: -1, attemptTimeoutUs: Number.NaN }),
    (e: unknown) =>
      e instanceof LifecycleError && e.code === 'TCPLENS_ERR_LIFECYCLE_OPTIONS' && !e.retriable &&
      e.message.includes('inactivityTimeoutUs') && e.message.includes('attemptTimeoutUs'),
  );
  assert.equal(resolveOptions({}).inactivityTimeoutUs, 300_000_000);
});
