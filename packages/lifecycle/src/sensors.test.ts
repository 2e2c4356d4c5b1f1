/**
 * Vantage points: one connection captured at the client host (sensor a) and at the server host
 * (sensor b, its clock 5 ms ahead). Path delay 100 µs each way: b sees client packets 100 µs
 * after a does, and server packets 100 µs before a does.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import type { TcpPacket } from '@tcplens/packet';
import { ConnectionTracker } from './tracker.js';
import type { ConnectionRecord } from './record.js';
import { Conversation, T0 } from './test-packets.js';
import { hs } from './scenarios-table.js';
import { pick } from './test-run.js';

const OFFSET = 5000;

function normalClose(): Conversation {
  return hs().c(2000, 'PA', { len: 100 }).s(3000, 'A').s(3100, 'PA', { len: 200 }).c(3500, 'A')
    .c(4000, 'FA').s(4500, 'FA').c(5000, 'A');
}

function shifted(p: TcpPacket, us: number): TcpPacket {
  const t = p.tsSec * 1e6 + p.tsNsec / 1000 + us;
  return { ...p, tsSec: Math.floor(t / 1e6), tsNsec: (t % 1e6) * 1000 };
}

/** Both captures merged in time order, as a consumer of two sensors' batches would see them. */
function twoSensors(cv: Conversation): { p: TcpPacket; s: 'a' | 'b' }[] {
  const out: { p: TcpPacket; s: 'a' | 'b' }[] = [];
  for (const p of cv.packets) {
    const fromClient = p.srcPort === 40000;
    out.push({ p, s: 'a' }, { p: shifted(p, OFFSET + (fromClient ? 100 : -100)), s: 'b' });
  }
  const us = (p: TcpPacket) => p.tsSec * 1e6 + p.tsNsec / 1000;
  return out.sort((x, y) => us(x.p) - us(y.p));
}

function runSensors(list: { p: TcpPacket; s: string }[], opts = {}) {
  const records: ConnectionRecord[] = [];
  const tr = new ConnectionTracker({ sensorId: 'a', ...opts }, (r) => records.push(r));
  tr.sensorIndex('b'); // both sensors known before the first packet
  for (const { p, s } of list) tr.process(p, tr.sensorIndex(s));
  tr.flush();
  return { records, tr };
}

test('two sensors see every packet: one record, nothing double counted, per-sensor timings', () => {
  const { records, tr } = runSensors(twoSensors(normalClose()));
  assert.equal(records.length, 1);
  const want: Partial<ConnectionRecord> = {
    conn_state: 'SF', history: 'ShADadFf', orig_pkts: 6, resp_pkts: 4, orig_ip_bytes: 340, resp_ip_bytes: 360,
    orig_bytes: 100, resp_bytes: 200, orig_retrans: 0, resp_retrans: 0, sensor_id: 'a', sensors: ['a', 'b'],
    // a (client side): SYN→SYN-ACK is the full round trip, SYN-ACK→ACK its own turnaround.
    syn_to_synack_us: 1000, synack_to_ack_us: 500, handshake_us: 1500,
    // b (server side): (1000−100)−(0+100) = 800 server leg; (1500+100)−(1000−100) = 700 client leg.
    sensor_syn_to_synack_us: [1000, 800], sensor_synack_to_ack_us: [500, 700], sensor_handshake_us: [1500, 1500],
    ts: T0,
  };
  assert.deepEqual(pick(records[0], want), want);
  assert.equal(tr.stats.duplicatePackets, 10);
  assert.equal(tr.stats.packets, 20);
});

test('the same segment twice from one sensor is a retransmission, not a duplicate', () => {
  const cv = hs().c(2000, 'PA', { len: 100 }).c(2500, 'PA', { len: 100, seq: 1001 });
  const { records, tr } = runSensors(cv.packets.map((p) => ({ p, s: 'a' })));
  assert.deepEqual(pick(records[0], { orig_pkts: 4, history: 'ShADT', orig_retrans: 1, sensors: ['a'] }),
    { orig_pkts: 4, history: 'ShADT', orig_retrans: 1, sensors: ['a'] });
  assert.equal(tr.stats.duplicatePackets, 0);
});

test('a copy from another sensor outside the dedup window counts as a new packet', () => {
  const cv = hs();
  const list = [...cv.packets.map((p) => ({ p, s: 'a' })), { p: shifted(cv.packets[2]!, 2_000_000), s: 'b' }];
  const { records } = runSensors(list, { dedupWindowUs: 500_000 });
  assert.deepEqual(pick(records[0], { orig_pkts: 3, sensors: ['a', 'b'] }), { orig_pkts: 3, sensors: ['a', 'b'] });
});

test('a connection seen only by sensor b is attributed to b', () => {
  const list = hs().packets.map((p) => ({ p, s: 'b' }));
  const { records } = runSensors(list);
  assert.deepEqual(pick(records[0], { sensor_id: 'b', sensors: ['b'], handshake_us: 1500, sensor_handshake_us: [1500] }),
    { sensor_id: 'b', sensors: ['b'], handshake_us: 1500, sensor_handshake_us: [1500] });
});

test('without knowing the second sensor in advance, its late copies are not recognized (documented)', () => {
  const records: ConnectionRecord[] = [];
  const tr = new ConnectionTracker({ sensorId: 'a' }, (r) => records.push(r));
  for (const { p, s } of twoSensors(normalClose())) tr.process(p, tr.sensorIndex(s));
  tr.flush();
  // b's SYN finds the connection closed: port reuse, a second record.
  assert.equal(records.length, 2);
  const records2: ConnectionRecord[] = [];
  const tr2 = new ConnectionTracker({ sensorId: 'a', multiSensor: true }, (r) => records2.push(r));
  for (const { p, s } of twoSensors(normalClose())) tr2.process(p, tr2.sensorIndex(s));
  tr2.flush();
  assert.deepEqual(records2.map((r) => [r.sensors, r.orig_pkts]), [[['a', 'b'], 6]]);
});

test('sensorIndex interns names; the sensorId option is index 0', () => {
  const tr = new ConnectionTracker({ sensorId: 'x' }, () => undefined);
  assert.equal(tr.sensorIndex('x'), 0);
  assert.equal(tr.sensorIndex('y'), 1);
  assert.equal(tr.sensorIndex('y'), 1);
});
