import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decodeFrame } from './decode-frame.js';
import { createDecodeStats, type DecodeReasonName } from './decode-stats.js';
import { formatAddress } from './ip-address.js';
import { MutableTcpPacket } from './mutable-tcp-packet.js';
import { ethernet, frame, ipv4, ipv6, nullHdr, sll, sll2, tcp, type Bytes } from './test-frames.js';

const v4 = ipv4({ src: [192, 168, 1, 2], dst: [8, 8, 4, 4] }, tcp({ srcPort: 5555 }));
const v6 = ipv6({}, tcp({ srcPort: 6666 }));

function run(linkType: number, b: Bytes) {
  const f = frame(b);
  const out = new MutableTcpPacket();
  const stats = createDecodeStats();
  const ok = decodeFrame(linkType, f, f.length, 0, 0, out, stats);
  const counted = Object.entries(stats.reasons).filter(([, v]) => v > 0).map(([k]) => k as DecodeReasonName);
  return { ok, out, stats, counted };
}

function assertV4(r: ReturnType<typeof run>, label: string): void {
  assert.equal(r.ok, true, label);
  assert.equal(r.out.ipVersion, 4, label);
  assert.equal(formatAddress(r.out.src), '192.168.1.2', label);
  assert.equal(formatAddress(r.out.dst), '8.8.4.4', label);
  assert.equal(r.out.srcPort, 5555, label);
}

function assertV6(r: ReturnType<typeof run>, label: string): void {
  assert.equal(r.ok, true, label);
  assert.equal(r.out.ipVersion, 6, label);
  assert.equal(formatAddress(r.out.src), '2001:db8::1', label);
  assert.equal(r.out.srcPort, 6666, label);
}

describe('link layers', () => {
  it('Ethernet IPv4 and IPv6', () => {
    assertV4(run(1, ethernet(0x0800, v4)), 'eth v4');
    assertV6(run(1, ethernet(0x86dd, v6)), 'eth v6');
  });

  it('802.1Q, 802.1ad, 0x9100 and stacked QinQ tags', () => {
    assertV4(run(1, ethernet(0x0800, v4, [0x8100])), '8100');
    assertV4(run(1, ethernet(0x0800, v4, [0x88a8, 0x8100])), '88a8+8100');
    assertV6(run(1, ethernet(0x86dd, v6, [0x9100, 0x8100])), '9100+8100');
    assertV4(run(1, ethernet(0x0800, v4, [0x8100, 0x8100, 0x8100])), 'three tags');
  });

  it('counts a frame cut inside the VLAN tags as truncated_link', () => {
    const f = ethernet(0x0800, v4, [0x88a8, 0x8100]).slice(0, 16);
    assert.deepEqual(run(1, f).counted, ['truncated_link']);
  });

  it('Linux cooked SLL (113) and SLL2 (276)', () => {
    assertV4(run(113, sll(0x0800, v4)), 'sll v4');
    assertV6(run(113, sll(0x86dd, v6)), 'sll v6');
    assertV4(run(276, sll2(0x0800, v4)), 'sll2 v4');
    assertV6(run(276, sll2(0x86dd, v6)), 'sll2 v6');
  });

  it('raw IP (101, 12, 14) by version nibble, and IPv4/IPv6-only 228/229', () => {
    for (const lt of [101, 12, 14]) {
      assertV4(run(lt, v4), `raw ${lt} v4`);
      assertV6(run(lt, v6), `raw ${lt} v6`);
    }
    assertV4(run(228, v4), '228');
    assertV6(run(229, v6), '229');
    assert.deepEqual(run(101, [0x50, ...v4.slice(1)]).counted, ['bad_ip_version']);
  });

  it('BSD null (0) in either host byte order, every AF_INET6 value, and LOOP (108) big-endian', () => {
    assertV4(run(0, nullHdr(2, true, v4)), 'null le v4');
    assertV4(run(0, nullHdr(2, false, v4)), 'null be v4');
    for (const af of [24, 28, 30]) {
      assertV6(run(0, nullHdr(af, true, v6)), `null le af ${af}`);
      assertV6(run(0, nullHdr(af, false, v6)), `null be af ${af}`);
    }
    assertV4(run(108, nullHdr(2, false, v4)), 'loop v4');
    assertV6(run(108, nullHdr(24, false, v6)), 'loop v6');
    assert.deepEqual(run(108, nullHdr(2, true, v4)).counted, ['unknown_ethertype']);
  });

  it('counts unknown link types per type, and non-IP ethertypes', () => {
    const out = new MutableTcpPacket();
    const stats = createDecodeStats();
    const f = frame(v4);
    decodeFrame(147, f, f.length, 0, 0, out, stats);
    decodeFrame(147, f, f.length, 0, 0, out, stats);
    decodeFrame(9, f, f.length, 0, 0, out, stats);
    assert.equal(stats.reasons.unknown_link_type, 3);
    assert.deepEqual(stats.unknownLinkTypes, { 147: 2, 9: 1 });
    assert.equal(stats.packets, 3);
    assert.equal(stats.tcpPackets, 0);
    assert.deepEqual(run(1, ethernet(0x0806, new Array<number>(28).fill(0))).counted, ['unknown_ethertype']);
  });
});
