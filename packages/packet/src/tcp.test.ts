import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decodeFrame } from './decode-frame.js';
import { createDecodeStats, type DecodeReasonName } from './decode-stats.js';
import { MutableTcpPacket } from './mutable-tcp-packet.js';
import { TcpFlag, TcpOption } from './tcp-packet.js';
import { ethernet, frame, ipv4, tcp, type Bytes, type TcpSpec } from './test-frames.js';

function decode(spec: TcpSpec, ip: Parameters<typeof ipv4>[0] = {}) {
  const f = frame(ethernet(0x0800, ipv4(ip, tcp(spec))));
  const out = new MutableTcpPacket();
  const stats = createDecodeStats();
  const ok = decodeFrame(1, f, f.length, 1, 2, out, stats);
  const counted = Object.entries(stats.reasons).filter(([, v]) => v > 0).map(([k]) => k as DecodeReasonName);
  return { ok, out, stats, counted };
}

describe('TCP header', () => {
  it('reads ports, seq/ack (unsigned), window, urgent and lengths', () => {
    const { ok, out, counted } = decode({ srcPort: 65535, dstPort: 443, seq: 0xfffffffe, ack: 0x80000001, window: 1234, urgent: 77, payload: 10 });
    assert.equal(ok, true);
    assert.deepEqual(counted, []);
    assert.equal(out.srcPort, 65535);
    assert.equal(out.dstPort, 443);
    assert.equal(out.seq, 4294967294);
    assert.equal(out.ack, 2147483649);
    assert.equal(out.window, 1234);
    assert.equal(out.urgent, 77);
    assert.equal(out.tcpHeaderLen, 20);
    assert.equal(out.payloadLen, 10);
    assert.equal(out.ipLen, 50);
    assert.equal(out.tsSec, 1);
    assert.equal(out.tsNsec, 2);
  });

  it('reads each of the nine flags, NS from the data-offset byte', () => {
    const bits: Array<[keyof typeof TcpFlag, number]> = [
      ['FIN', 1], ['SYN', 2], ['RST', 4], ['PSH', 8], ['ACK', 16], ['URG', 32], ['ECE', 64], ['CWR', 128], ['NS', 256],
    ];
    for (const [name, bit] of bits) {
      const { out } = decode({ flags: bit });
      assert.equal(out.flags, TcpFlag[name], name);
    }
    assert.equal(decode({ flags: 0x1ff }).out.flags, 0x1ff);
  });

  it('takes payloadLen from the IP total length, not the captured bytes', () => {
    const full = frame(ethernet(0x0800, ipv4({}, tcp({ payload: 1000 }))));
    const out = new MutableTcpPacket();
    const stats = createDecodeStats();
    assert.equal(decodeFrame(1, full.subarray(0, 54), full.length, 0, 0, out, stats), true);
    assert.equal(out.payloadLen, 1000);
    assert.equal(out.ipLen, 1040);
  });

  it('counts data offset < 5 and beyond the IP length as bad_tcp_header_length', () => {
    assert.deepEqual(decode({ dataOffset: 4 }).counted, ['bad_tcp_header_length']);
    assert.equal(decode({ dataOffset: 4 }).ok, false);
    assert.deepEqual(decode({ dataOffset: 15 }).counted, ['bad_tcp_header_length']);
  });
});

describe('TCP options', () => {
  const all: Bytes = [
    2, 4, 0x05, 0xb4, // MSS 1460
    1, // NOP
    3, 3, 7, // window scale 7
    4, 2, // SACK permitted
    8, 10, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, // timestamps 5, 4294967295
    5, 18, ...new Array<number>(16).fill(9), // SACK, 2 blocks
  ];

  it('reads MSS, window scale, SACK-permitted, SACK blocks and timestamps', () => {
    const { ok, out, counted } = decode({ options: all });
    assert.equal(ok, true);
    assert.deepEqual(counted, []);
    assert.equal(out.options, TcpOption.MSS | TcpOption.WSCALE | TcpOption.SACK_PERMITTED | TcpOption.TIMESTAMPS | TcpOption.SACK);
    assert.equal(out.mss, 1460);
    assert.equal(out.wscale, 7);
    assert.equal(out.tsVal, 5);
    assert.equal(out.tsEcr, 4294967295);
    assert.equal(out.sackBlocks, 2);
    assert.equal(out.tcpHeaderLen, 20 + 40);
  });

  it('counts SACK blocks 1..4', () => {
    for (let n = 1; n <= 4; n++) {
      const { out } = decode({ options: [1, 1, 5, 2 + 8 * n, ...new Array<number>(8 * n).fill(0)] });
      assert.equal(out.sackBlocks, n);
    }
  });

  it('recognises TFO: kind 34 (request and cookie) and kind 254 with magic F989 only', () => {
    assert.equal(decode({ options: [34, 2] }).out.options, TcpOption.TFO);
    assert.equal(decode({ options: [34, 10, 1, 2, 3, 4, 5, 6, 7, 8] }).out.options, TcpOption.TFO);
    assert.equal(decode({ options: [254, 6, 0xf9, 0x89, 1, 2] }).out.options, TcpOption.TFO);
    assert.equal(decode({ options: [254, 6, 0x12, 0x34, 1, 2] }).out.options, 0);
  });

  it('stops at EOL', () => {
    const { out, counted } = decode({ options: [0, 2, 4, 5, 0xb4] });
    assert.equal(out.options, 0);
    assert.deepEqual(counted, []);
  });

  it('counts malformed lengths, stops the loop, still delivers the segment', () => {
    const cases: Bytes[] = [
      [2, 4, 0x05, 0xb4, 8, 0, 3, 3, 7], // length 0 (would loop forever if not stopped)
      [2, 4, 0x05, 0xb4, 8, 1],
      [2, 4, 0x05, 0xb4, 3, 30, 7], // runs past the header
      [2, 4, 0x05, 0xb4, 3, 4, 7, 0], // wscale with length 4
      [2, 4, 0x05, 0xb4, 5, 11, ...new Array<number>(9).fill(0)], // SACK not 2+8n
      [2, 4, 0x05, 0xb4, 34, 3, 1], // TFO cookie of 1 byte
      [2, 4, 0x05, 0xb4, 1, 1, 1, 8], // kind without its length byte
    ];
    for (const options of cases) {
      const { ok, out, counted } = decode({ options, payload: 3 });
      assert.equal(ok, true, String(options));
      assert.deepEqual(counted, ['bad_tcp_option'], String(options));
      assert.equal(out.mss, 1460);
      assert.equal(out.wscale, 0);
      assert.equal(out.payloadLen, 3);
    }
  });

  it('resets option values between packets on the reused cursor', () => {
    const out = new MutableTcpPacket();
    const stats = createDecodeStats();
    const a = frame(ethernet(0x0800, ipv4({}, tcp({ options: all }))));
    const b = frame(ethernet(0x0800, ipv4({}, tcp({}))));
    decodeFrame(1, a, a.length, 0, 0, out, stats);
    decodeFrame(1, b, b.length, 0, 0, out, stats);
    assert.deepEqual([out.options, out.mss, out.wscale, out.tsVal, out.tsEcr, out.sackBlocks], [0, 0, 0, 0, 0, 0]);
  });

  it('counts options cut by the snaplen as truncated_tcp_options, not as malformed', () => {
    const f = frame(ethernet(0x0800, ipv4({}, tcp({ options: all, payload: 5 }))));
    const out = new MutableTcpPacket();
    const stats = createDecodeStats();
    assert.equal(decodeFrame(1, f.subarray(0, 14 + 20 + 20 + 6), f.length, 0, 0, out, stats), true);
    assert.equal(out.mss, 1460);
    assert.equal(out.wscale, 0);
    assert.equal(out.payloadLen, 5);
    assert.equal(stats.reasons.truncated_tcp_options, 1);
    assert.equal(stats.reasons.bad_tcp_option, 0);
  });

  describe('NOP, NOP, timestamps (the 12-byte block on most Linux segments, read by a fast path)', () => {
    const nopNopTs: Bytes = [1, 1, 8, 10, 0x80, 0, 0, 1, 0, 0, 0x12, 0x34];

    it('reads the timestamps and nothing else, after a packet that had every option', () => {
      const out = new MutableTcpPacket();
      const stats = createDecodeStats();
      const a = frame(ethernet(0x0800, ipv4({}, tcp({ options: all }))));
      const b = frame(ethernet(0x0800, ipv4({}, tcp({ options: nopNopTs, payload: 7 }))));
      decodeFrame(1, a, a.length, 0, 0, out, stats);
      assert.equal(decodeFrame(1, b, b.length, 0, 0, out, stats), true);
      assert.deepEqual([out.options, out.tsVal, out.tsEcr], [TcpOption.TIMESTAMPS, 0x80000001, 0x1234]);
      assert.deepEqual([out.mss, out.wscale, out.sackBlocks, out.tcpHeaderLen, out.payloadLen], [0, 0, 0, 32, 7]);
      assert.equal(stats.reasons.bad_tcp_option + stats.reasons.truncated_tcp_options, 0);
    });

    it('cut by the snaplen inside the timestamps: counted as truncated options, values not read', () => {
      const f = frame(ethernet(0x0800, ipv4({}, tcp({ options: nopNopTs }))));
      const stats = createDecodeStats();
      const out = new MutableTcpPacket();
      assert.equal(decodeFrame(1, f.subarray(0, f.length - 2), f.length, 0, 0, out, stats), true);
      assert.deepEqual([out.options, out.tsVal, out.tsEcr], [0, 0, 0]);
      assert.equal(stats.reasons.truncated_tcp_options, 1);
    });

    it('other 12-byte option blocks still go through the general parser', () => {
      const { out, counted } = decode({ options: [1, 1, 4, 2, 3, 3, 9, 1, 1, 1, 1, 0] });
      assert.deepEqual(counted, []);
      assert.equal(out.tcpHeaderLen, 32);
      assert.deepEqual([out.options, out.wscale, out.tsVal], [TcpOption.SACK_PERMITTED | TcpOption.WSCALE, 9, 0]);
    });
  });
});
