import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decodeFrame } from './decode-frame.js';
import { createDecodeStats, type DecodeReasonName } from './decode-stats.js';
import { MutableTcpPacket } from './mutable-tcp-packet.js';
import { ethernet, fragExt, frame, ipv4, ipv6, optExt, tcp, type Bytes } from './test-frames.js';

function run(b: Bytes, capLen = b.length) {
  const f = frame(b);
  const out = new MutableTcpPacket();
  const stats = createDecodeStats();
  const ok = decodeFrame(1, f.subarray(0, capLen), f.length, 0, 0, out, stats);
  const counted = Object.entries(stats.reasons).filter(([, v]) => v > 0).map(([k]) => k as DecodeReasonName);
  return { ok, out, counted };
}

const seg = tcp({ srcPort: 4242, payload: 7 });

describe('IPv4', () => {
  it('skips options by IHL and reads TTL and total length', () => {
    for (let optWords = 0; optWords <= 10; optWords++) {
      const r = run(ethernet(0x0800, ipv4({ ttl: 17, options: new Array<number>(optWords * 4).fill(1) }, seg)));
      assert.equal(r.ok, true);
      assert.equal(r.out.srcPort, 4242);
      assert.equal(r.out.ttl, 17);
      assert.equal(r.out.ipLen, 20 + optWords * 4 + 27);
      assert.equal(r.out.payloadLen, 7);
    }
  });

  it('ignores Ethernet padding after the IP packet', () => {
    const r = run([...ethernet(0x0800, ipv4({}, tcp({}))), 0, 0, 0, 0, 0, 0]);
    assert.equal(r.ok, true);
    assert.equal(r.out.payloadLen, 0);
  });

  it('counts bad IHL, impossible total lengths, non-TCP', () => {
    assert.deepEqual(run(ethernet(0x0800, ipv4({ ihl: 4 }, seg))).counted, ['bad_ip_header_length']);
    assert.deepEqual(run(ethernet(0x0800, ipv4({ totalLen: 19 }, seg))).counted, ['bad_ip_total_length']);
    assert.deepEqual(run(ethernet(0x0800, ipv4({ totalLen: 48 }, seg))).counted, ['bad_ip_total_length']);
    assert.deepEqual(run(ethernet(0x0800, ipv4({ proto: 17 }, seg))).counted, ['not_tcp']);
    assert.deepEqual(run(ethernet(0x0800, ipv4({ totalLen: 30 }, seg))).counted, ['bad_tcp_header_length']);
    assert.deepEqual(run(ethernet(0x0800, ipv6({}, seg))).counted, ['bad_ip_version']);
  });

  it('skips non-first fragments, decodes the first fragment', () => {
    assert.deepEqual(run(ethernet(0x0800, ipv4({ fragOffset: 185 }, seg))).counted, ['ip_fragment']);
    assert.deepEqual(run(ethernet(0x0800, ipv4({ fragOffset: 1, moreFragments: true }, seg))).counted, ['ip_fragment']);
    const first = run(ethernet(0x0800, ipv4({ moreFragments: true }, seg)));
    assert.equal(first.ok, true);
    assert.equal(first.out.srcPort, 4242);
  });
});

describe('IPv6', () => {
  it('reads hop limit, payload length and addresses', () => {
    const r = run(ethernet(0x86dd, ipv6({ hlim: 5 }, seg)));
    assert.equal(r.ok, true);
    assert.equal(r.out.ttl, 5);
    assert.equal(r.out.ipLen, 40 + 27);
    assert.equal(r.out.payloadLen, 7);
    assert.equal(r.out.src[15], 1);
    assert.equal(r.out.dst[15], 2);
  });

  it('walks hop-by-hop, routing, destination options and a first fragment header', () => {
    const ext = [optExt(0), optExt(43, 1), fragExt(0, true), optExt(60, 2)];
    const r = run(ethernet(0x86dd, ipv6({ ext }, seg)));
    assert.equal(r.ok, true);
    assert.equal(r.out.srcPort, 4242);
    assert.equal(r.out.payloadLen, 7);
    assert.equal(r.out.ipLen, 40 + 8 + 16 + 8 + 24 + 27);
  });

  it('walks an authentication header ((len+2)*4 bytes)', () => {
    const ah = { type: 51, bytes: [0, 4, 0, 0, ...new Array<number>(20).fill(3)] };
    assert.equal(run(ethernet(0x86dd, ipv6({ ext: [ah] }, seg))).out.srcPort, 4242);
  });

  it('counts non-first fragments, ESP / no-next-header, non-TCP, lengths beyond the payload', () => {
    assert.deepEqual(run(ethernet(0x86dd, ipv6({ ext: [fragExt(100, false)] }, seg))).counted, ['ip_fragment']);
    assert.deepEqual(run(ethernet(0x86dd, ipv6({ next: 50 }, seg))).counted, ['ipv6_unsupported_ext']);
    assert.deepEqual(run(ethernet(0x86dd, ipv6({ ext: [optExt(0)], next: 59 }, []))).counted, ['ipv6_unsupported_ext']);
    assert.deepEqual(run(ethernet(0x86dd, ipv6({ next: 17 }, seg))).counted, ['not_tcp']);
    assert.deepEqual(run(ethernet(0x86dd, ipv6({ next: 58 }, seg))).counted, ['not_tcp']);
    assert.deepEqual(run(ethernet(0x86dd, ipv6({ payloadLen: 100 }, seg))).counted, ['bad_ip_total_length']);
    assert.deepEqual(run(ethernet(0x86dd, ipv6({ ext: [optExt(0, 4)], payloadLen: 16 }, []))).counted, ['bad_ip_total_length']);
  });

  it('gives the real payload length when the snaplen cut the packet', () => {
    const b = ethernet(0x86dd, ipv6({ ext: [optExt(0)] }, tcp({ payload: 1400 })));
    const r = run(b, 14 + 40 + 8 + 20);
    assert.equal(r.ok, true);
    assert.equal(r.out.payloadLen, 1400);
  });
});
