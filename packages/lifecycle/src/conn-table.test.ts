import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { Conn } from './conn.js';
import { ConnTable } from './conn-table.js';
import { LifecycleError } from './errors.js';
import { resolveOptions } from './options.js';

/** Inserts n connections with colliding hashes, removes every third, checks every lookup. */
test('table: inserts, backward-shift removals and lookups in both directions', () => {
  const t = new ConnTable();
  const key = new Int32Array(8);
  const live = new Map<number, Conn>();
  const setKey = (i: number) => {
    key.fill(0);
    key[3] = i;
    key[7] = 0x7f000001;
  };
  for (let i = 0; i < 5000; i++) {
    setKey(i);
    const h = i % 7; // heavy collisions: long probe runs that removals must keep intact
    const slot = t.allocSlot();
    t.words.set(key, slot * 8);
    const c = new Conn(slot, h, 4, 1000 + (i % 50), 80, 0);
    t.insert(c);
    live.set(i, c);
  }
  for (let i = 0; i < 5000; i += 3) {
    const c = live.get(i);
    if (c) t.remove(c);
    live.delete(i);
  }
  assert.equal(t.size, live.size);
  for (let i = 0; i < 5000; i++) {
    setKey(i);
    const fwd = t.find(i % 7, key, 1000 + (i % 50), 80);
    assert.equal(fwd, live.get(i), `forward ${i}`);
    if (fwd) assert.equal(t.foundIsOrig, true);
    const rev = new Int32Array([...key.subarray(4), ...key.subarray(0, 4)]);
    const back = t.find(i % 7, rev, 80, 1000 + (i % 50));
    assert.equal(back, live.get(i), `reverse ${i}`);
    if (back) assert.equal(t.foundIsOrig, false);
  }
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
