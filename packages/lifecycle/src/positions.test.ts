import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionTracker } from './tracker.js';
import type { ConnectionRecord } from './record.js';
import { Conversation, T0 } from './test-packets.js';

function tracker(): { t: ConnectionTracker; out: [ConnectionRecord, number, number][] } {
  const out: [ConnectionRecord, number, number][] = [];
  return { t: new ConnectionTracker({ sensorId: 'p' }, (r, f, l) => out.push([r, f, l])), out };
}

test('each record comes with the caller positions of its first and last packet', () => {
  const { t, out } = tracker();
  const a = new Conversation(['10.0.0.1', 40000]).c(0, 'S').s(10, 'SA').c(20, 'A').c(30, 'FA').s(40, 'FA').c(50, 'A');
  const b = new Conversation(['10.0.0.1', 40001]).c(5, 'S').s(15, 'SA').c(25, 'A');
  const order = [[a, 0], [b, 0], [a, 1], [b, 1], [a, 2], [b, 2], [a, 3], [a, 4], [a, 5]] as const;
  order.forEach(([c, i], pos) => {
    t.position = 100 + pos;
    t.process(c.packets[i]!);
  });
  t.flush();
  const byPort = new Map(out.map(([r, f, l]) => [r.orig_p, [f, l]]));
  assert.deepEqual(byPort.get(40000), [100, 108]);
  assert.deepEqual(byPort.get(40001), [101, 105]);
});

test('a reused port starts a new connection at the new position; copies from another sensor move the last position', () => {
  const out: [ConnectionRecord, number, number][] = [];
  const t = new ConnectionTracker({ sensorId: 'p', multiSensor: true }, (r, f, l) => out.push([r, f, l]));
  const s2 = t.sensorIndex('q');
  const a = new Conversation(['10.0.0.1', 40000]).c(0, 'S').s(10, 'SA').c(20, 'A').c(30, 'RA');
  const a2 = new Conversation(['10.0.0.1', 40000], undefined, 90000).c(20_000_000, 'S');
  a.packets.forEach((p, i) => {
    t.position = i;
    t.process(p);
  });
  t.position = 7;
  t.process(a.packets[3]!, s2); // the RST again, from sensor q: a copy
  t.position = 9;
  t.process(a2.packets[0]!);
  t.flush();
  assert.deepEqual(out.map(([r, f, l]) => [r.history.length > 0, f, l]), [[true, 0, 7], [true, 9, 9]]);
});

test('an early-emitted connection reports its positions when emitted, and again when it leaves the table without another emit', () => {
  const out: [string, number, number][] = [];
  const t = new ConnectionTracker({ sensorId: 'p', emitClosedAfterUs: 100_000 }, (r, f, l) => out.push([`emit ${r.orig_p}`, f, l]));
  t.onRelease = (f, l) => out.push(['release', f, l]);
  const a = new Conversation(['10.0.0.1', 40000]).c(0, 'S').s(10, 'SA').c(20, 'A').c(30, 'FA').s(40, 'FA').c(50, 'A');
  a.packets.forEach((p, i) => {
    t.position = 10 + i;
    t.process(p);
  });
  t.advance(T0 + 200_000); // quiet for 100 ms: emitted early, still lingering
  assert.deepEqual(out, [['emit 40000', 10, 15]]);
  assert.equal(t.openConnections, 1);
  t.advance(T0 + 6_000_000); // the 5 s linger ends: unchanged, so no second record
  assert.deepEqual(out, [['emit 40000', 10, 15], ['release', 10, 15]]);
});
