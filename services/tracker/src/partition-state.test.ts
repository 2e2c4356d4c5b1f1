import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TcpPacket } from '@tcplens/packet';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectionRecord, TrackerOptions } from '@tcplens/lifecycle';
import { BatchBuilder, encodeWatermark, emptyWatermark, WatermarkReason } from '@tcplens/wire';
import { PartitionState } from './partition-state.js';
import { writeSyntheticPcap } from './test-pcap.js';
import { decodeCommitPoint } from './spanning.js';
import { captureMessages, prng, twoSensorMessages } from './test-messages.js';

const SYN = 0x02, ACK = 0x10, FIN = 0x01;
const A = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]);
const B = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 2]);
const T0 = 1_700_000_000;

function seg(tUs: number, fromA: boolean, sport: number, flags: number, seq: number, ack: number): TcpPacket {
  return {
    tsSec: T0 + Math.floor(tUs / 1e6), tsNsec: (tUs % 1e6) * 1000, ipVersion: 4,
    src: fromA ? A : B, dst: fromA ? B : A, srcPort: fromA ? sport : 80, dstPort: fromA ? 80 : sport,
    seq, ack, flags, window: 1000, urgent: 0, payloadLen: 0, ipLen: 40, tcpHeaderLen: 20, ttl: 64,
    options: 0, mss: 0, wscale: 0, tsVal: 0, tsEcr: 0, sackBlocks: 0,
  };
}

/** A complete handshake + FIN exchange on client port `sport`, starting at tUs. */
function conn(sport: number, tUs: number): TcpPacket[] {
  return [
    seg(tUs, true, sport, SYN, 100, 0),
    seg(tUs + 100, false, sport, SYN | ACK, 500, 101),
    seg(tUs + 200, true, sport, ACK, 101, 501),
    seg(tUs + 300, true, sport, FIN | ACK, 101, 501),
    seg(tUs + 400, false, sport, FIN | ACK, 501, 102),
    seg(tUs + 500, true, sport, ACK, 102, 502),
  ];
}

function batch(sensor: string, packets: TcpPacket[]): Buffer {
  const b = new BatchBuilder(sensor, 100);
  for (const p of packets) assert.ok(b.append(p));
  return Buffer.from(b.finish());
}

function wm(sensor: string, tUs: number, reason: number = WatermarkReason.heartbeat): Buffer {
  const us = T0 * 1e6 + tUs;
  return Buffer.from(encodeWatermark(sensor, { ...emptyWatermark(), clockSec: Math.floor(us / 1e6), clockNsec: (us % 1e6) * 1000, reason }));
}

function setup(): { st: PartitionState; out: ConnectionRecord[] } {
  const out: ConnectionRecord[] = [];
  return { st: new PartitionState(3, 100, { staleSensorUs: 60e6 }, (r) => out.push(r)), out };
}

test('connections close on watermarks (event time), not on their packets alone; the safe offset stays at the open connection\'s first packet', () => {
  const { st, out } = setup();
  assert.equal(st.handle(batch('s1', conn(1000, 0)), 100).outcome, 'packets');
  assert.equal(out.length, 0, 'closed, but lingering (close delay 5 s)');
  assert.equal(st.openConnections, 1);
  assert.equal(st.safeOffset, 100, 'not past a message holding an open connection');
  st.handle(wm('s1', 4_000_000), 101);
  assert.equal(out.length, 0, 'watermark inside the linger');
  st.handle(wm('s1', 6_000_000), 102);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.conn_state, 'SF');
  assert.equal(out[0]!.sensor_id, 's1');
  assert.equal(st.safeOffset, 103);
  assert.equal(st.nextOffset, 103);
});

test('event time is the minimum over the sensors; a sensor at end of input no longer holds it back', () => {
  const { st, out } = setup();
  st.handle(batch('s1', conn(1000, 0)), 100);
  st.handle(wm('s2', 1_000_000), 101);
  st.handle(wm('s1', 10_000_000), 102);
  assert.equal(st.eventTimeUs, T0 * 1e6 + 1_000_000, 's2 is behind');
  assert.equal(out.length, 0);
  st.handle(wm('s2', 1_500_000, WatermarkReason.end_of_input), 103);
  assert.equal(out.length, 1, 's2 ended: s1 alone sets event time');
});

test('when every sensor seen has ended its input, every connection is emitted', () => {
  const { st, out } = setup();
  st.handle(batch('s1', [...conn(1000, 0), ...conn(1001, 50).slice(0, 3)]), 100);
  st.handle(wm('s1', 1_000, WatermarkReason.end_of_input), 101);
  assert.equal(out.length, 2);
  assert.deepEqual(out.map((r) => r.conn_state).sort(), ['S1', 'SF']);
  assert.equal(st.openConnections, 0);
  assert.equal(st.safeOffset, 102);
});

test('a sensor far behind the newest watermark is taken as gone', () => {
  const { st, out } = setup();
  st.handle(wm('old', 0), 100);
  st.handle(batch('s1', conn(1000, 0)), 101);
  st.handle(wm('s1', 30_000_000), 102);
  assert.equal(out.length, 0, '30 s apart: still waiting for "old"');
  st.handle(wm('s1', 61_000_000), 103);
  assert.equal(out.length, 1, '61 s apart: "old" no longer counts');
});

test('malformed or foreign messages are reported by code and change no state', () => {
  const { st, out } = setup();
  st.handle(batch('s1', conn(1000, 0)), 100);
  const good = batch('s1', conn(1001, 10));
  const corrupt = Buffer.from(good);
  corrupt[corrupt.length - 1]! ^= 0xff;
  assert.equal(st.handle(corrupt, 101).outcome, 'TCPLENS_ERR_WIRE_CHECKSUM');
  assert.equal(st.handle(Buffer.from('{"json":true}'), 102).outcome, 'TCPLENS_ERR_WIRE_BAD_MAGIC');
  assert.equal(st.handle(null, 103).outcome, 'empty');
  assert.equal(st.openConnections, 1);
  assert.equal(st.nextOffset, 104);
  st.handle(wm('s1', 0, WatermarkReason.end_of_input), 104);
  assert.equal(out.length, 1);
});

test('a connection whose packets span messages is carried with an offset inside its span; a re-read from there drops its tail', () => {
  const { st, out } = setup();
  const a = conn(1000, 0);
  const b = conn(1001, 10);
  st.handle(batch('s1', a.slice(0, 2)), 100); // A's first two packets
  st.handle(batch('s1', b.slice(0, 3)), 101); // B's handshake: B stays open
  st.handle(batch('s1', a.slice(2)), 102); // the rest of A
  assert.equal(st.safeOffset, 100, 'A (first at 100) is open');
  st.handle(wm('s1', 5_000_400), 103); // A emitted (closed at 400 µs, 5 s linger), B not
  assert.deepEqual(out.map((r) => r.orig_p), [1000]);
  assert.equal(st.safeOffset, 101, 'B (first at 101) is open; A spans 101');
  assert.deepEqual(decodeCommitPoint(st.safeMetadata).spanning, [{ origH: '10.0.0.1', origP: 1000, respH: '10.0.0.2', respP: 80, lastOffset: 102, lastIndex: 3 }]);

  // A re-read from 101 with that commit: B whole, no fragment of A.
  const again: ConnectionRecord[] = [];
  const re = new PartitionState(3, 101, { staleSensorUs: 60e6 }, (r) => again.push(r), decodeCommitPoint(st.safeMetadata));
  re.handle(batch('s1', b.slice(0, 3)), 101);
  re.handle(batch('s1', a.slice(2)), 102);
  re.handle(wm('s1', 5_000_400), 103);
  assert.equal(re.droppedPackets, 4);
  st.handle(wm('s1', 1_000, WatermarkReason.end_of_input), 104);
  re.handle(wm('s1', 1_000, WatermarkReason.end_of_input), 104);
  assert.deepEqual(again, out.slice(1));
  assert.equal(st.safeOffset, 105);
  assert.deepEqual(decodeCommitPoint(st.safeMetadata), { spanning: [], sensors: [{ name: 's1', clockUs: T0 * 1e6 + 5_000_400, ended: true }], eventTimeUs: T0 * 1e6 + 5_000_400 });

  // Without the carried list the same re-read would build a fragment of A.
  const naive: ConnectionRecord[] = [];
  const nv = new PartitionState(3, 101, { staleSensorUs: 60e6 }, (r) => naive.push(r));
  nv.handle(batch('s1', b.slice(0, 3)), 101);
  nv.handle(batch('s1', a.slice(2)), 102);
  nv.handle(wm('s1', 1_000, WatermarkReason.end_of_input), 103);
  assert.equal(naive.length, 2);
  assert.ok(!out.some((r) => r.uid === naive.find((n) => n.orig_p === 1000)!.uid), 'the fragment has a uid of its own');
});

test('commit metadata that is not ours is rejected with a clear error', () => {
  const empty = { spanning: [], sensors: [], eventTimeUs: 0 };
  assert.deepEqual(decodeCommitPoint(''), empty);
  assert.deepEqual(decodeCommitPoint(null), empty);
  const ok = (c: string, sensors = '[["s1",5,0]]'): string => `tcplens-commit/1 {"c":${c},"s":${sensors},"t":3}`;
  assert.throws(() => decodeCommitPoint('{"x":1}'), /not tcplens commit metadata/);
  assert.throws(() => decodeCommitPoint('tcplens-commit/1 [1]'), /not \{c, s, t\}/);
  assert.throws(() => decodeCommitPoint(ok('[["10.0.0.1",70000,"10.0.0.2",80,1,0]]')), /bad port/);
  assert.throws(() => decodeCommitPoint(ok('[["10.0.0.300",1,"10.0.0.2",80,1,0]]')), /bad/);
  assert.throws(() => decodeCommitPoint(ok('[]', '[["s1",-5,0]]')), /bad sensor clock/);
  const c = decodeCommitPoint(ok('[["2001:db8::1",1,"::ffff:a00:1",80,1,0]]'));
  assert.equal(c.spanning.length, 1);
  assert.deepEqual(c.sensors, [{ name: 's1', clockUs: 5, ended: false }]);
});

test('under continuous traffic (always >= 1 open connection) the safe offset keeps up: it trails the oldest open connection only', () => {
  const { st, out } = setup();
  let offset = 100;
  let maxLag = 0;
  // A connection every 500 ms, each open ~0.5 ms, then lingering 5 s: about 10 always open.
  for (let i = 0; i < 400; i++) {
    st.handle(batch('s1', conn(2000 + i, i * 500_000)), offset++);
    st.handle(wm('s1', i * 500_000 + 400_000), offset++);
    assert.ok(st.openConnections >= 1, 'the table is never empty');
    maxLag = Math.max(maxLag, st.nextOffset - st.safeOffset);
  }
  assert.equal(out.length, 400 - st.openConnections);
  assert.ok(st.openConnections >= 10);
  assert.equal(st.safeOffset, st.oldestOpenOffset, 'the oldest open connection pins it, nothing else');
  assert.ok(maxLag <= 2 * 11 + 1, `lag ${maxLag} messages: linger (5 s) worth of messages`);
});

test('a long-lived connection pins the safe offset at its first packet (inherent to rebuild by re-reading)', () => {
  const { st } = setup();
  const ssh = conn(22222, 0).slice(0, 3); // handshake, then silence
  st.handle(batch('s1', ssh), 100);
  let offset = 101;
  for (let i = 1; i < 200; i++) {
    // a keep-alive every second (well within the 300 s inactivity timeout) and short connections.
    st.handle(batch('s1', [seg(i * 1_000_000, true, 22222, ACK, 101, 501)]), offset++);
    st.handle(batch('s1', conn(3000 + i, i * 1_000_000 + 1000)), offset++);
    st.handle(wm('s1', i * 1_000_000 + 500_000), offset++);
  }
  assert.equal(st.safeOffset, 100);
});

// ---------------------------------------------------------------------------------------------
// Crash and re-read, as a property: for many crash points, a fresh PartitionState re-reading from
// the committed offset, plus what was stored before the crash, gives exactly the records of an
// uninterrupted run (same uids, every field equal), and nothing else.

const BASE = 1000; // the topic offset of the first message

/**
 * The last record of each connection of an uninterrupted run, by uid (a connection emitted early,
 * while it lingers, is emitted again if it changed: the store keeps the last one inserted).
 */
function uninterrupted(msgs: Buffer[], opts: TrackerOptions): Map<string, ConnectionRecord> {
  const out = new Map<string, ConnectionRecord>();
  const st = new PartitionState(0, BASE, { ...opts, staleSensorUs: 60e6 }, (r) => void out.set(r.uid, r));
  msgs.forEach((m, i) => st.handle(m, BASE + i));
  return out;
}

interface CrashRun {
  stored: ConnectionRecord[];
  commits: { committed: number; next: number; open: number }[];
  rereads: number;
}

/**
 * The service's protocol: every `every` messages, take the safe offset, store every record emitted
 * so far, commit the offset. At each step listed in `crashAt` (counted over all messages handled,
 * re-reads included) the process dies: records emitted since the last commit are lost, and a new
 * PartitionState starts at the committed offset.
 */
function withCrashes(msgs: Buffer[], opts: TrackerOptions, every: number, crashAt: Set<number>): CrashRun {
  const stored: ConnectionRecord[] = [];
  const commits: CrashRun['commits'] = [];
  let committed = BASE;
  let metadata = '';
  let rereads = 0;
  let step = 0;
  for (;;) {
    let pending: ConnectionRecord[] = [];
    const st = new PartitionState(0, committed, { ...opts, staleSensorUs: 60e6 }, (r) => void pending.push(r), decodeCommitPoint(metadata));
    let crashed = false;
    for (let o = committed; o < BASE + msgs.length; o++) {
      st.handle(msgs[o - BASE]!, o);
      step++;
      if (step % every === 0) {
        const safe = st.safeOffset;
        const meta = st.safeMetadata;
        stored.push(...pending);
        pending = [];
        if (safe > committed) [committed, metadata] = [safe, meta];
        commits.push({ committed, next: st.nextOffset, open: st.openConnections });
      }
      if (crashAt.has(step)) {
        crashed = true;
        break;
      }
    }
    if (!crashed) {
      stored.push(...pending);
      return { stored, commits, rereads };
    }
    rereads++;
  }
}

/** What the store holds after the run (the last record inserted per uid) is the uninterrupted run's. */
function sameAsUninterrupted(ref: Map<string, ConnectionRecord>, run: CrashRun, what: string): void {
  const last = new Map<string, ConnectionRecord>();
  for (const r of run.stored) {
    assert.ok(ref.has(r.uid), `${what}: a record no uninterrupted run emits (a split connection?): ${JSON.stringify(r)}`);
    last.set(r.uid, r);
  }
  assert.equal(last.size, ref.size, `${what}: ${ref.size - last.size} connections lost`);
  for (const [uid, r] of last) assert.deepEqual(r, ref.get(uid), `${what}: uid ${uid} differs`);
}

/** Lifecycle options the tests run with: Zeek's timing, and early emission of closed connections as the tracker does. */
const EARLY: TrackerOptions = { emitClosedAfterUs: 250_000 };

const LIFECYCLE_TESTDATA = new URL('../../../packages/lifecycle/testdata/', import.meta.url);
const PACKET_TESTDATA = new URL('../../../packages/packet/testdata/', import.meta.url);

test('crash anywhere, re-read from the committed offset: the same records as an uninterrupted run (real captures)', async () => {
  const files = [
    fileURLToPath(new URL('scenarios-loopback.pcap', LIFECYCLE_TESTDATA)),
    fileURLToPath(new URL('http-loopback.pcap', LIFECYCLE_TESTDATA)),
    fileURLToPath(new URL('lo-http.pcapng', PACKET_TESTDATA)),
  ];
  for (const file of files) {
    for (let seed = 1; seed <= 8; seed++) {
      const msgs = await captureMessages(file, seed, 1 + seed * 3);
      const opts: TrackerOptions = seed % 2 === 0 ? EARLY : {};
      const ref = uninterrupted(msgs, opts);
      assert.ok(ref.size > 0);
      const rnd = prng(seed * 7919);
      for (let k = 0; k < 30; k++) {
        const crashes = new Set<number>();
        const n = 1 + Math.floor(rnd() * 3);
        for (let c = 0; c < n; c++) crashes.add(1 + Math.floor(rnd() * msgs.length * 1.5));
        const every = 1 + Math.floor(rnd() * 5);
        sameAsUninterrupted(ref, withCrashes(msgs, opts, every, crashes), `${file} seed ${seed} crashes ${[...crashes]} every ${every}`);
      }
    }
  }
});

test('continuous traffic: commits advance although a connection is always open, and every crash re-reads to the same records', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-ps-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'continuous.pcap');
  // 150 waves of 12 connections, 1 s apart: every wave lingers 5 s (and a quarter stays open until
  // the 20 s inactivity timeout), so the table is never empty after the first packet.
  writeSyntheticPcap(file, { waves: 150, perWave: 12, gapSec: 1 });
  const opts: TrackerOptions = { ...EARLY, inactivityTimeoutUs: 20e6 };
  const msgs = await captureMessages(file, 42, 40);
  const ref = uninterrupted(msgs, opts);
  assert.equal(ref.size, 150 * 12);

  const plain = withCrashes(msgs, opts, 5, new Set());
  sameAsUninterrupted(ref, plain, 'no crash');
  const before = plain.commits.filter((c) => c.next < BASE + msgs.length - 1);
  assert.ok(before.every((c) => c.open > 0), 'a connection is open at every commit before the end');
  const last = before.at(-1)!;
  assert.ok(last.committed > BASE + msgs.length / 2, `committed ${last.committed - BASE} of ${msgs.length} messages while connections were open`);
  const maxLag = Math.max(...before.map((c) => c.next - c.committed));
  // The pin: a connection open for up to the 20 s inactivity timeout (+ linger), at ~1 s of traffic per ~2 messages.
  assert.ok(maxLag < msgs.length / 4, `lag at most ${maxLag} messages`);

  const rnd = prng(99);
  for (let k = 0; k < 60; k++) {
    const crashes = new Set<number>();
    const n = 1 + Math.floor(rnd() * 4);
    for (let c = 0; c < n; c++) crashes.add(1 + Math.floor(rnd() * msgs.length * 1.5));
    const run = withCrashes(msgs, opts, 1 + Math.floor(rnd() * 10), crashes);
    sameAsUninterrupted(ref, run, `crashes ${[...crashes]}`);
  }
});

test('two sensors, one lagging the other: crash anywhere, the re-read gives the same records (sensor views carried with the offset)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-ps2-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const synthetic = join(dir, 'continuous.pcap');
  writeSyntheticPcap(synthetic, { waves: 60, perWave: 12, gapSec: 1 });
  // [capture, options, how many of s1's batches s2 may lag]: on the synthetic traffic (a wave a
  // second, ~6 batches each) s2 lags up to ~8 s, more than the 5 s linger: a state that did not
  // know s2 (and its clock) after a restart would expire connections before s2's copies arrive.
  const cases: [string, TrackerOptions, number][] = [
    [fileURLToPath(new URL('scenarios-loopback.pcap', LIFECYCLE_TESTDATA)), {}, 4],
    [fileURLToPath(new URL('lo-http.pcapng', PACKET_TESTDATA)), {}, 4],
    [synthetic, { ...EARLY, inactivityTimeoutUs: 20e6 }, 50],
    [synthetic, { inactivityTimeoutUs: 20e6 }, 50],
  ];
  for (const [file, opts, lag] of cases) {
    for (let seed = 1; seed <= 4; seed++) {
      const msgs = await twoSensorMessages(file, seed, 2 + seed * 5, lag);
      const ref = uninterrupted(msgs, opts);
      assert.ok([...ref.values()].some((r) => r.sensors.length === 2), 'connections seen by both sensors');
      const rnd = prng(seed * 31);
      for (let k = 0; k < 25; k++) {
        const crashes = new Set<number>();
        const n = 1 + Math.floor(rnd() * 3);
        for (let c = 0; c < n; c++) crashes.add(1 + Math.floor(rnd() * msgs.length * 1.5));
        const every = 1 + Math.floor(rnd() * 5);
        sameAsUninterrupted(ref, withCrashes(msgs, opts, every, crashes), `${file} seed ${seed} crashes ${[...crashes]} every ${every}`);
      }
    }
  }
});
