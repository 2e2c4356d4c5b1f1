import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TcpPacket } from '@tcplens/packet';
import type { ConnectionRecord } from '@tcplens/lifecycle';
import { BatchBuilder, encodeWatermark, emptyWatermark, WatermarkReason } from '@tcplens/wire';
import { PartitionState } from './partition-state.js';

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

test('connections close on watermarks (event time), not on their packets alone; the safe offset waits for zero open', () => {
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
