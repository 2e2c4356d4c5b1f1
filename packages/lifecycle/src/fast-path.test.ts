/**
 * The fast path (fast-path.ts) against the general path: the same packets give the same records
 * (every field, in the same order) and stats with the fast path on and off, on real captures and
 * on seeded random conversations full of the cases the fast path must hand over (retransmissions,
 * reordering, losses, zero windows and probes, keep-alives, duplicate ACKs, half-closes, RSTs,
 * sequence and ACK wrap-around, long silences, expiry, port reuse, IPv6).
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCapture, type TcpPacket } from '@tcplens/packet';
import { fastPath } from './fast-path.js';
import type { TrackerOptions } from './options.js';
import type { ConnectionRecord } from './record.js';
import { Conversation } from './test-packets.js';
import { ConnectionTracker, type TrackerStats } from './tracker.js';

/** With `sensors`, packet i comes from sensor `sensors[i]` (a name; the first one is sensor 0). */
function replay(packets: readonly TcpPacket[], fast: boolean, opts: TrackerOptions, sensors?: readonly string[]): { records: ConnectionRecord[]; stats: TrackerStats; taken: number } {
  const records: ConnectionRecord[] = [];
  const before = fastPath.taken[0]!;
  fastPath.enabled = fast;
  try {
    const tr = new ConnectionTracker(sensors ? { ...opts, sensorId: sensors[0] } : opts, (r, first, last) => records.push({ ...r, first, last } as ConnectionRecord));
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i]!;
      tr.position = i;
      if (sensors) tr.process(p, tr.sensorIndex(sensors[i]!));
      else tr.process(p);
      if ((i & 63) === 63) tr.advance(p.tsSec * 1_000_000 + Math.floor(p.tsNsec / 1000));
    }
    tr.flush();
    return { records, stats: tr.stats, taken: fastPath.taken[0]! - before };
  } finally {
    fastPath.enabled = true;
  }
}

/** Replays both ways and compares; returns how many segments took the fast path. */
function same(packets: readonly TcpPacket[], opts: TrackerOptions = {}, sensors?: readonly string[]): number {
  const slow = replay(packets, false, opts, sensors);
  const fast = replay(packets, true, opts, sensors);
  assert.equal(slow.taken, 0);
  assert.deepEqual(fast.records, slow.records);
  assert.deepEqual(fast.stats, slow.stats);
  return fast.taken;
}

async function load(path: string): Promise<TcpPacket[]> {
  const out: TcpPacket[] = [];
  await readCapture(createReadStream(path), (p) => out.push({ ...p, src: Uint8Array.from(p.src), dst: Uint8Array.from(p.dst) }));
  return out;
}

const captures = [
  '../testdata/scenarios-loopback.pcap',
  '../testdata/http-loopback.pcap',
  '../../packet/testdata/lo-http.pcap',
  '../../packet/testdata/lo-http-ns.pcap',
  '../../packet/testdata/any-sll.pcap',
  '../../packet/testdata/merged.pcapng',
];

test('real captures: the same records and stats with and without the fast path', async () => {
  let taken = 0;
  for (const c of captures) {
    const packets = await load(fileURLToPath(new URL(c, import.meta.url)));
    taken += same(packets);
    taken += same(packets, { emitClosedAfterUs: 1_000_000 });
    taken += same(packets, { multiSensor: true }); // the tracker service's mode, one sensor
  }
  assert.ok(taken > 100, `the fast path was taken ${taken} times`);
});

/** xorshift32: reproducible pseudo-random numbers. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** One random conversation: a handshake (mostly), then random segments, then (mostly) a close. */
function conversation(r: () => number, i: number, t0: number): TcpPacket[] {
  const v6 = r() < 0.2;
  const client: [string, number] = [v6 ? `fd00::${(i % 7) + 1}` : `10.0.${i % 3}.${(i % 5) + 1}`, 40000 + (i % 11)];
  const server: [string, number] = [v6 ? 'fd00::100' : '10.9.9.9', 80];
  // ISNs near 2^32 make both sides' sequence and ACK numbers wrap.
  // (2^32 - 1 makes the first ACK itself wrap.)
  const isn = (): number => {
    const x = r();
    return (x < 0.05 ? 4294967295 : x < 0.3 ? 4294967296 - Math.floor(r() * 3000) : Math.floor(r() * 4294967296)) >>> 0;
  };
  const cv = new Conversation(client, server, isn(), isn());
  let t = t0;
  const step = (): number => {
    const x = r();
    // Mostly µs apart; sometimes seconds, minutes (expiry) or hours (time columns overflow).
    t += x < 0.9 ? Math.floor(r() * 2000) : x < 0.97 ? Math.floor(r() * 3e6) : x < 0.99 ? 400e6 : 5e9;
    return t;
  };
  const h = r();
  if (h < 0.75) {
    cv.c(step(), 'S');
    if (r() < 0.1) cv.c(step(), 'S', { seq: cv.packets[cv.packets.length - 1]!.seq }); // SYN again
    const y = r();
    // The SYN-ACK: usually plain; sometimes acking a wrong number, with payload, a zero window,
    // twice, or missing.
    if (y < 0.75) cv.s(step(), 'SA');
    else if (y < 0.8) cv.s(step(), 'SA', { ack: Math.floor(r() * 4294967296) });
    else if (y < 0.85) cv.s(step(), 'SA', { len: 5 });
    else if (y < 0.9) cv.s(step(), 'SA', { window: 0 });
    else if (y < 0.95) {
      cv.s(step(), 'SA');
      const sa = cv.packets[cv.packets.length - 1]!;
      cv.s(step(), 'SA', { seq: sa.seq, ack: sa.ack });
    }
    if (r() < 0.95) cv.c(step(), 'A');
  } else if (h < 0.85) {
    // SYN-ACK before the SYN (captured in reverse), or a SYN-ACK alone.
    cv.s(step(), 'SA');
    if (r() < 0.7) cv.c(step(), 'S', { seq: (cv.packets[0]!.ack - 1) >>> 0 });
    cv.c(step(), 'A');
  }
  const n = Math.floor(r() * 40);
  for (let k = 0; k < n; k++) {
    const who = r() < 0.5 ? 'c' : 's';
    const send = (flags: string, o: Parameters<Conversation['c']>[2] = {}): void => {
      if (who === 'c') cv.c(step(), flags, o);
      else cv.s(step(), flags, o);
    };
    const x = r();
    const len = r() < 0.6 ? 1 + Math.floor(r() * 1400) : r() < 0.5 ? 1 : 0;
    if (x < 0.5) send(r() < 0.5 ? 'PA' : 'A', { len });
    else if (x < 0.58) send('A', { len, window: r() < 0.5 ? 0 : 1 + Math.floor(r() * 3) }); // (zero) window
    else if (x < 0.64 && cv.packets.length > 0) { // retransmission or keep-alive: an earlier sequence number
      const last = cv.packets[cv.packets.length - 1]!;
      send('A', { len: r() < 0.5 ? 0 : len, seq: (last.seq - Math.floor(r() * 3)) >>> 0, ack: last.ack });
    } else if (x < 0.7 && cv.packets.length > 0) { // a hole: a later sequence number (lost segment)
      const last = cv.packets[cv.packets.length - 1]!;
      // Now and then a jump of 1.2 GB: relative positions pass 2^31 (escaped columns).
      const jump = r() < 0.2 ? 1_200_000_000 : 10 + Math.floor(r() * 100);
      send('PA', { len: 10, seq: (last.seq + jump) >>> 0 });
    } else if (x < 0.76) { // duplicate ACK: repeat the last packet of this side
      const mine = cv.packets.filter((p) => p.srcPort === (who === 'c' ? client[1] : server[1]));
      const p = mine[mine.length - 1];
      if (p !== undefined) send('A', { seq: p.seq, ack: p.ack, window: p.window });
    } else if (x < 0.8) send('UA', { len });
    else if (x < 0.83) send('FA', { len: r() < 0.7 ? 0 : len });
    else if (x < 0.84) send('RA');
    else if (x < 0.86) send('EA', { len });
    else if (x < 0.88) send('A', { len, ack: Math.floor(r() * 4294967296) }); // an ACK out of nowhere
    else send('PA', { len, window: 65535 - Math.floor(r() * 2) });
  }
  const end = r();
  if (end < 0.5) {
    cv.c(step(), 'FA');
    cv.s(step(), 'A');
    cv.s(step(), 'FA');
    cv.c(step(), 'A');
  } else if (end < 0.7) {
    cv.s(step(), 'FA');
    cv.c(step(), 'PA', { len: 100 }); // data after the other side's FIN: half-close bytes
    cv.c(step(), 'FA');
    cv.s(step(), 'A');
    cv.c(step(), 'A');
  } else if (end < 0.8) cv.c(step(), 'RA');
  return cv.packets;
}

test('random conversations: the same records and stats with and without the fast path', () => {
  let taken = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const r = rng(seed * 2654435761);
    // Several conversations at once (interleaved by time), some reusing a 4-tuple.
    const all: { t: number; k: number; p: TcpPacket }[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = 1_700_000_000_000_000 + Math.floor(r() * 5e6);
      conversation(r, i, t0).forEach((p, k) => all.push({ t: p.tsSec * 1e6 + p.tsNsec / 1000, k: i * 10000 + k, p }));
    }
    // Time order, and now and then two neighbours swapped (reordered capture).
    all.sort((a, b) => a.t - b.t || a.k - b.k);
    for (let j = 1; j < all.length; j++) {
      if (r() < 0.03) [all[j - 1], all[j]] = [all[j]!, all[j - 1]!];
    }
    const packets = all.map((x) => x.p);
    taken += same(packets);
    taken += same(packets, { emitClosedAfterUs: 1_000_000, inactivityTimeoutUs: 60_000_000 });
  }
  assert.ok(taken > 1000, `the fast path was taken ${taken} times`);
});

/**
 * Two sensors (the tracker service's multiSensor mode): every packet seen by sensor a, and by b
 * with probability 0.7 with a clock offset and jitter, b's copy sometimes first; some connections
 * seen only by b. The fast path must give the same records (positions included) and stats as the
 * general path, including every duplicate recognised (stats.duplicates) and b's own timings.
 */
test('two sensors: the same records and stats with and without the fast path', () => {
  let taken = 0;
  let duplicates = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const r = rng(seed * 40503 + 7);
    const all: { t: number; k: number; p: TcpPacket; sensor: string }[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = 1_700_000_000_000_000 + Math.floor(r() * 5e6);
      const onlyB = r() < 0.15;
      const offset = Math.floor((r() - 0.5) * 4000); // b's clock, up to ±2 ms off
      conversation(r, i, t0).forEach((p, k) => {
        const t = p.tsSec * 1e6 + p.tsNsec / 1000;
        if (!onlyB) all.push({ t, k: i * 10000 + k * 2, p, sensor: 'a' });
        if (onlyB || r() < 0.7) {
          const tb = t + offset + Math.floor(r() * 300);
          const q = { ...p, tsSec: Math.floor(tb / 1e6), tsNsec: (tb % 1e6) * 1000 };
          // b's copy reaches the tracker a little before or after a's (another partition lag).
          all.push({ t: t + Math.floor((r() - 0.3) * 2000), k: i * 10000 + k * 2 + 1, p: q, sensor: 'b' });
        }
      });
    }
    all.sort((x, y) => x.t - y.t || x.k - y.k);
    const packets = all.map((x) => x.p);
    const sensors = all.map((x) => x.sensor);
    taken += same(packets, { multiSensor: true }, sensors);
    taken += same(packets, { multiSensor: true, emitClosedAfterUs: 1_000_000, inactivityTimeoutUs: 60_000_000 }, sensors);
    duplicates += replay(packets, true, { multiSensor: true }, sensors).stats.duplicatePackets;
  }
  assert.ok(taken > 1000, `the fast path was taken ${taken} times`);
  assert.ok(duplicates > 1000, `${duplicates} copies recognised`);
});
