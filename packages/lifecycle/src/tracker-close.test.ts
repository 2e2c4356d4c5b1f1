/**
 * Table tests: handshake, data and teardown scenarios. Expected values are worked out by hand from
 * Zeek's rules (conn.log docs, TCPSessionAdapter): see each case's comment.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { Conversation, T0 } from './test-packets.js';
import { pick, run } from './test-run.js';
import type { ConnectionRecord } from './record.js';

const FLAGS_SAPF = 0x1b; // SYN|ACK|PSH|FIN

function handshake(cv = new Conversation()): Conversation {
  return cv.c(0, 'S').s(1000, 'SA').c(1500, 'A');
}

interface Case {
  name: string;
  conv: () => Conversation;
  want: Partial<ConnectionRecord>;
}

const cases: Case[] = [
  {
    // Four-way close by the client. The final ACK comes after both FINs: Zeek stops last_time at
    // the second FIN, so duration ends at 4500 µs while last_ts is the final ACK.
    name: 'normal close, client first',
    conv: () => handshake().c(2000, 'PA', { len: 100 }).s(3000, 'A').s(3100, 'PA', { len: 200 })
      .c(3500, 'A').c(4000, 'FA').s(4500, 'FA').c(5000, 'A'),
    want: {
      conn_state: 'SF', history: 'ShADadFf', orig_bytes: 100, resp_bytes: 200, duration: 0.0045,
      ts: T0, last_ts: T0 + 5000, orig_pkts: 6, resp_pkts: 4, orig_ip_bytes: 340, resp_ip_bytes: 360,
      syn_to_synack_us: 1000, synack_to_ack_us: 500, handshake_us: 1500, close_kind: 'fin_both',
      closed_first: 'orig', rst_by: '', rst_phase: '', orig_flags: FLAGS_SAPF, resp_flags: FLAGS_SAPF,
      orig_h: '10.0.0.1', orig_p: 40000, resp_h: '10.0.0.2', resp_p: 80, ip_version: 4, sensor_id: 'test',
      community_id: '1:3k1SoWXs/FltHw2aBCgUTgbDQF4=', missed_bytes: 0,
    },
  },
  {
    // The client's pure ACKs were seen before its FIN; the server's final ACK is its first pure ACK.
    name: 'server closes first',
    conv: () => handshake().c(2000, 'PA', { len: 10 }).s(3000, 'PA', { len: 20 })
      .s(4000, 'FA').c(4100, 'A').c(4500, 'FA').s(5000, 'A'),
    want: { conn_state: 'SF', history: 'ShADdfFa', closed_first: 'resp', close_kind: 'fin_both', orig_bytes: 10, resp_bytes: 20 },
  },
  {
    // Each FIN leaves before the other arrives: the second FIN does not acknowledge the first.
    // The responder's last packet is its first pure ACK: 'a' at the end.
    name: 'simultaneous close',
    conv: () => handshake().c(4000, 'FA').s(4001, 'FA', { ack: 1001 }).c(4100, 'A').s(4101, 'A'),
    want: { conn_state: 'SF', history: 'ShAFfa', closed_first: 'both', close_kind: 'fin_both', orig_bytes: 0, resp_bytes: 0 },
  },
  {
    // The client half-closes after its request; the server keeps sending, then closes.
    name: 'half-close with data after FIN',
    conv: () => handshake().c(2000, 'PA', { len: 50 }).c(2100, 'FA').s(2200, 'A')
      .s(3000, 'PA', { len: 1000 }).s(3001, 'PA', { len: 1000 }).c(3100, 'A').s(4000, 'FA').c(4100, 'A'),
    want: { conn_state: 'SF', history: 'ShADFadf', orig_bytes: 50, resp_bytes: 2000, closed_first: 'orig', close_kind: 'fin_both' },
  },
  {
    name: 'RST by originator, established',
    conv: () => handshake().c(2000, 'PA', { len: 10 }).s(2100, 'A').c(3000, 'RA'),
    want: {
      conn_state: 'RSTO', history: 'ShADaR', rst_by: 'orig', rst_phase: 'established', close_kind: 'rst',
      closed_first: 'orig', orig_bytes: 10, resp_bytes: 0,
    },
  },
  {
    name: 'RST by responder, established',
    conv: () => handshake().c(2000, 'PA', { len: 10 }).s(2100, 'RA'),
    want: { conn_state: 'RSTR', history: 'ShADr', rst_by: 'resp', rst_phase: 'established', close_kind: 'rst', closed_first: 'resp' },
  },
  {
    // The server closed, the client's late request got a RST: RST in the responder's CLOSED
    // state while the originator is still ESTABLISHED → responder RESET.
    name: 'RST after FIN (late request answered with RST)',
    conv: () => handshake().s(2000, 'FA').c(2100, 'A').c(3000, 'PA', { len: 20 }).s(3100, 'R'),
    want: {
      conn_state: 'RSTR', history: 'ShAfDr', rst_by: 'resp', rst_phase: 'after_fin', close_kind: 'rst',
      closed_first: 'resp', orig_bytes: 20, resp_bytes: 0,
    },
  },
  {
    // A RST instead of the last ACK changes nothing after a FIN exchange (UpdateClosedState).
    name: 'FIN both, then RST instead of the final ACK',
    conv: () => handshake().c(2000, 'PA', { len: 5 }).s(2100, 'PA', { len: 7 }).c(3000, 'FA').s(3100, 'FA').c(3200, 'R'),
    want: { conn_state: 'SF', history: 'ShADdFfR', close_kind: 'fin_both', rst_by: 'orig', rst_phase: 'after_fin', closed_first: 'orig' },
  },
  {
    name: 'RST after idle',
    conv: () => handshake().c(2000, 'PA', { len: 10 }).s(3000, 'A').s(3000 + 61_000_000, 'R'),
    want: { conn_state: 'RSTR', history: 'ShADar', rst_phase: 'after_idle', rst_by: 'resp', close_kind: 'rst' },
  },
  {
    // SYN answered by RST+ACK: REJ; duration > 0 so sizes are set (both 0).
    name: 'refused: REJ',
    conv: () => new Conversation().c(0, 'S').s(300, 'RA', { seq: 0 }),
    want: {
      conn_state: 'REJ', history: 'Sr', rst_by: 'resp', rst_phase: 'handshake', close_kind: 'rst', closed_first: 'resp',
      orig_bytes: 0, resp_bytes: 0, duration: 0.0003, syn_to_synack_us: null, synack_to_ack_us: null, handshake_us: null,
    },
  },
  {
    name: 'originator SYN then RST: RSTOS0',
    conv: () => new Conversation().c(0, 'S').c(500, 'R'),
    want: { conn_state: 'RSTOS0', history: 'SR', rst_by: 'orig', rst_phase: 'handshake', close_kind: 'rst' },
  },
  {
    // Half-open scan: SYN-ACK answered with RST (both endpoints ESTABLISHED after the SYN-ACK).
    name: 'SYN-ACK answered by RST',
    conv: () => new Conversation().c(0, 'S').s(700, 'SA').c(900, 'R'),
    want: { conn_state: 'RSTO', history: 'ShR', rst_phase: 'handshake', syn_to_synack_us: 700, handshake_us: null, synack_to_ack_us: null },
  },
  {
    name: 'SH: SYN then FIN, never answered',
    conv: () => new Conversation().c(0, 'S').c(1000, 'F'),
    want: { conn_state: 'SH', history: 'SF', close_kind: 'fin_one', closed_first: 'orig', orig_bytes: 0, resp_pkts: 0 },
  },
  {
    name: 'S1 open at end of input',
    conv: () => handshake().c(2000, 'PA', { len: 10 }).s(2500, 'PA', { len: 30 }),
    want: { conn_state: 'S1', history: 'ShADd', close_kind: 'open', closed_first: '', rst_by: '', orig_bytes: 10, resp_bytes: 30 },
  },
  {
    // A retransmitted segment adds a packet and a T, not bytes.
    name: 'retransmitted data not double counted',
    conv: () => handshake().c(2000, 'PA', { len: 100 }).c(2500, 'PA', { len: 100, seq: 1001 }).s(2600, 'A')
      .c(3000, 'FA').s(3100, 'FA').c(3200, 'A'),
    want: { conn_state: 'SF', history: 'ShADTaFf', orig_bytes: 100, orig_pkts: 6, orig_ip_bytes: 6 * 40 + 200 },
  },
  {
    // Linux retransmits the SYN after 1 s; handshake timings start at the last SYN.
    name: 'SYN retransmission then answer',
    conv: () => new Conversation().c(0, 'S').c(1_000_000, 'S', { seq: 1000 }).s(1_000_800, 'SA').c(1_001_000, 'A'),
    want: {
      conn_state: 'S1', history: 'ShA', orig_pkts: 3, syn_to_synack_us: 800, synack_to_ack_us: 200, handshake_us: 1000,
      duration: 1.001, close_kind: 'open',
    },
  },
  {
    name: 'zero window advertised by the responder',
    conv: () => handshake().c(2000, 'PA', { len: 10 }).s(2100, 'A', { window: 0 }),
    want: { conn_state: 'S1', history: 'ShADaw' },
  },
];

for (const k of cases) {
  test(`scenario: ${k.name}`, () => {
    const { records } = run(k.conv().packets);
    assert.equal(records.length, 1);
    assert.deepEqual(pick(records[0], k.want), k.want);
  });
}

test('a normal handshake gives handshake_us = syn_to_synack_us + synack_to_ack_us', () => {
  const { records } = run(new Conversation().c(0, 'S').s(1234, 'SA').c(5678, 'A').packets);
  const r = records[0];
  assert.ok(r);
  assert.equal(r.handshake_us, 5678);
  assert.equal((r.syn_to_synack_us ?? 0) + (r.synack_to_ack_us ?? 0), 5678);
});
