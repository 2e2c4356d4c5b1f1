import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool, type SpoolEntry } from './spool.js';

const root = mkdtempSync(join(tmpdir(), 'tcplens-spool-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dir = (): string => join(root, String(n++));

function entry(i: number, size = 1000, packets = 10): SpoolEntry {
  const value = Buffer.alloc(size, i & 255);
  value.writeUInt32LE(i, 0);
  return { key: Buffer.from([i & 255, 7]), value, packets };
}
function ids(entries: SpoolEntry[]): number[] {
  return entries.map((e) => e.value.readUInt32LE(0));
}
function drain(s: Spool): number[] {
  const out: number[] = [];
  for (let t = s.takeOldest(); t !== undefined; t = s.takeOldest()) {
    out.push(...ids(t.entries));
    t.done();
  }
  return out;
}

test('entries come back in order across segments, keys and values intact; drained segments are deleted', () => {
  const d = dir();
  const s = new Spool(d, 1 << 20, 'oldest', 8 * 1024);
  for (let i = 0; i < 50; i++) assert.equal(s.append(entry(i)), true);
  assert.ok(s.segmentCount >= 6, `${s.segmentCount} segments`);
  const first = s.takeOldest()!;
  assert.deepEqual([...first.entries[0]!.key], [0, 7]);
  assert.equal(first.entries[0]!.value.length, 1000);
  assert.equal(first.entries[0]!.packets, 10);
  first.done();
  const rest = drain(s);
  assert.deepEqual([...ids(first.entries), ...rest], Array.from({ length: 50 }, (_, i) => i));
  assert.equal(s.empty, true);
  assert.equal(s.bytes, 0);
  assert.deepEqual(readdirSync(d), []);
});

test("policy 'newest': a full spool refuses new entries and counts their packets", () => {
  const s = new Spool(dir(), 10 * 1014, 'newest', 4 * 1014);
  for (let i = 0; i < 10; i++) assert.equal(s.append(entry(i)), true);
  assert.equal(s.append(entry(10, 1000, 7)), false);
  assert.equal(s.append(entry(11, 1000, 5)), false);
  assert.equal(s.droppedPackets, 12);
  assert.equal(s.droppedEntries, 2);
  assert.deepEqual(drain(s), Array.from({ length: 10 }, (_, i) => i));
});

test("policy 'oldest': whole oldest segments give way, their packets counted; the one being sent is kept", () => {
  const s = new Spool(dir(), 10 * 1014, 'oldest', 4 * 1014);
  for (let i = 0; i < 10; i++) s.append(entry(i)); // segments [0-3] [4-7] [8-9]
  const sending = s.takeOldest()!; // [0-3] in flight
  assert.equal(s.append(entry(10)), true); // no room: [4-7] goes (0-3 is being sent)
  assert.equal(s.droppedPackets, 40);
  sending.done();
  assert.deepEqual(drain(s), [8, 9, 10]);
  assert.ok(s.bytes === 0);
});

test('segments left by an earlier run are drained first, in order', () => {
  const d = dir();
  const a = new Spool(d, 1 << 20, 'oldest', 4 * 1014);
  for (let i = 0; i < 9; i++) a.append(entry(i));
  a.close();
  const b = new Spool(d, 1 << 20, 'oldest', 4 * 1014);
  assert.equal(b.empty, false);
  b.append(entry(9));
  assert.deepEqual(drain(b), Array.from({ length: 10 }, (_, i) => i));
});

test('prepend puts entries in front of every segment; done(n) keeps only the unsent rest, also across a restart', () => {
  const d = dir();
  const s = new Spool(d, 1 << 20, 'oldest', 4 * 1014);
  for (let i = 10; i < 20; i++) s.append(entry(i));
  s.prepend([entry(5), entry(6)]);
  s.prepend([entry(3), entry(4)]);
  const first = s.takeOldest()!;
  assert.deepEqual(ids(first.entries), [3, 4]);
  first.done();
  const second = s.takeOldest()!;
  assert.deepEqual(ids(second.entries), [5, 6]);
  second.done(1); // 5 acknowledged, 6 not
  const before = s.bytes;
  s.close();
  const again = new Spool(d, 1 << 20, 'oldest', 4 * 1014);
  assert.equal(again.bytes, before);
  assert.deepEqual(drain(again), [6, ...Array.from({ length: 10 }, (_, i) => 10 + i)]);
  assert.equal(again.bytes, 0);
});

test('prepend into an empty spool, and into one numbered from 0 by an older version (renumbered at start)', () => {
  const e = new Spool(dir(), 1 << 20, 'oldest', 4 * 1014);
  e.prepend([entry(1), entry(2)]);
  e.append(entry(3));
  assert.deepEqual(drain(e), [1, 2, 3]);

  const d = dir();
  const old = new Spool(d, 1 << 20, 'oldest', 4 * 1014);
  for (let i = 10; i < 20; i++) old.append(entry(i));
  old.close();
  const names = readdirSync(d).sort();
  names.forEach((n, i) => renameSync(join(d, n), join(d, `${String(i).padStart(12, '0')}.seg`)));
  const s = new Spool(d, 1 << 20, 'oldest', 4 * 1014);
  s.prepend([entry(9)]);
  s.append(entry(20));
  assert.deepEqual(drain(s), Array.from({ length: 12 }, (_, i) => 9 + i));
  assert.deepEqual(readdirSync(d), []);
});
