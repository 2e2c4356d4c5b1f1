/**
 * emitClosedAfterUs: a closed connection's record is emitted while it lingers, and emitted again
 * (same uid) only when it changed. Keeping the latest record per uid must give exactly the
 * records of a run without the option, on every scenario of the table and on real captures.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { createReadStream, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCapture, type TcpPacket } from '@tcplens/packet';
import { SCENARIOS_DATA_AND_EDGES, SCENARIOS_HANDSHAKE_AND_CLOSE, hs } from './scenarios-table.js';
import { ConnectionTracker } from './tracker.js';
import type { TrackerOptions } from './options.js';
import type { ConnectionRecord } from './record.js';
import { T0 } from './test-packets.js';

const tsUs = (p: TcpPacket): number => p.tsSec * 1_000_000 + Math.floor(p.tsNsec / 1000);

/** Runs packets, calling advance() at every packet's time (as often as a live tracker could). */
function runLive(packets: readonly TcpPacket[], opts: TrackerOptions) {
  const emitted: ConnectionRecord[] = [];
  const tr = new ConnectionTracker({ sensorId: 'test', ...opts }, (r) => emitted.push(r));
  for (const p of packets) {
    tr.advance(tsUs(p));
    tr.process(p);
  }
  tr.flush();
  return { emitted, tracker: tr };
}

/** The latest record of each uid, in order of first emission (what a replacing table keeps). */
function latestByUid(records: readonly ConnectionRecord[]): ConnectionRecord[] {
  const m = new Map<string, ConnectionRecord>();
  for (const r of records) {
    m.delete(r.uid);
    m.set(r.uid, r);
  }
  return [...m.values()].sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
}

function assertSameFinal(packets: readonly TcpPacket[], quietUs: number, label: string): { early: number; again: number } {
  const plain = latestByUid(runLive(packets, {}).emitted);
  const { emitted, tracker } = runLive(packets, { emitClosedAfterUs: quietUs });
  assert.deepEqual(latestByUid(emitted), plain, label);
  const st = tracker.stats;
  assert.equal(emitted.length, st.connectionsEmitted + st.reemitted, `${label}: every emission counted`);
  return { early: st.earlyEmitted, again: st.reemitted };
}

const scenarios = [...SCENARIOS_HANDSHAKE_AND_CLOSE, ...SCENARIOS_DATA_AND_EDGES];

test('every table scenario: the latest record per uid equals the record without early emission', () => {
  let early = 0;
  for (const k of scenarios) {
    for (const quiet of [0, 300, 1_000_000]) early += assertSameFinal(k.conv().packets, quiet, `${k.name}, quiet ${quiet} µs`).early;
  }
  assert.ok(early > 0, 'some scenario records were emitted early');
});

const testdata = fileURLToPath(new URL('../testdata/', import.meta.url));
for (const f of readdirSync(testdata).filter((n) => /\.pcap(ng)?$/.test(n))) {
  test(`real capture ${f}: same final records with early emission`, async () => {
    const packets: TcpPacket[] = [];
    await readCapture(createReadStream(testdata + f), (p) => packets.push({ ...p, src: Uint8Array.from(p.src), dst: Uint8Array.from(p.dst) }));
    for (const quiet of [0, 100_000]) {
      const { early } = assertSameFinal(packets, quiet, `${f}, quiet ${quiet} µs`);
      if (quiet === 0) assert.ok(early > 0, `${f}: some records emitted early`);
    }
  });
}

test('a four-way close is emitted once the final ACK has been quiet, long before the 5 s linger', () => {
  const cv = hs().c(2000, 'PA', { len: 10 }).s(2500, 'A').c(4000, 'FA').s(4500, 'FA').c(5000, 'A');
  const out: ConnectionRecord[] = [];
  const tr = new ConnectionTracker({ emitClosedAfterUs: 200_000 }, (r) => out.push(r));
  for (const p of cv.packets) tr.process(p);
  tr.advance(T0 + 5000 + 199_999);
  assert.equal(out.length, 0, 'not before the quiet time');
  tr.advance(T0 + 5000 + 200_000);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.conn_state, 'SF');
  assert.equal(out[0]!.close_kind, 'fin_both');
  assert.equal(out[0]!.orig_pkts, 5, 'the final ACK is in the early record');
  assert.equal(tr.openConnections, 1, 'the connection still lingers in the table');
  tr.advance(T0 + 4500 + 5_000_000);
  assert.equal(tr.openConnections, 0);
  assert.equal(out.length, 1, 'unchanged: not emitted again at the end of the linger');
  assert.deepEqual(tr.stats.earlyEmitted, 1);
});

test('a late packet after the early record: emitted again with the same uid and the packet counted', () => {
  // The server closed first; the client's late request is answered with RST after the early record.
  const cv = hs().s(2000, 'FA').c(2500, 'FA').s(3000, 'A');
  const out: ConnectionRecord[] = [];
  const tr = new ConnectionTracker({ emitClosedAfterUs: 100_000 }, (r) => out.push(r));
  for (const p of cv.packets) tr.process(p);
  tr.advance(T0 + 3000 + 100_000);
  assert.equal(out.length, 1);
  const late = hs().s(2000, 'FA').c(2500, 'FA').s(3000, 'A').s(500_000, 'R').packets.at(-1)!;
  tr.process(late);
  tr.flush();
  assert.equal(out.length, 2);
  assert.equal(out[1]!.uid, out[0]!.uid);
  assert.equal(out[1]!.resp_pkts, out[0]!.resp_pkts + 1);
  assert.match(out[1]!.history, /r$/i);
  assert.equal(tr.stats.reemitted, 1);
  assert.equal(tr.stats.connectionsEmitted, 1);
});

test('emitClosedAfterUs must be shorter than the lingers', () => {
  assert.throws(() => new ConnectionTracker({ emitClosedAfterUs: 5_000_000 }, () => {}), /emitClosedAfterUs/);
  assert.throws(() => new ConnectionTracker({ emitClosedAfterUs: -5 }, () => {}), /emitClosedAfterUs/);
});
