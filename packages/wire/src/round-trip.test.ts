import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { BatchBuilder, BatchReader } from './index.js';
import { randomPacket, rng, snapshot, type PlainPacket } from './test-support.js';

test('randomized packets survive encode → decode in every field, IPv4 and IPv6', () => {
  const r = rng(20240601);
  const builder = new BatchBuilder('sensor-α', 37);
  const reader = new BatchReader();
  let v4 = 0;
  let v6 = 0;
  for (let batch = 0; batch < 30; batch++) {
    builder.reset();
    const sent: PlainPacket[] = [];
    const n = 1 + Math.floor(r() * 37);
    for (let i = 0; i < n; i++) {
      const p = randomPacket(r);
      if (p.ipVersion === 4) v4++;
      else v6++;
      sent.push(p);
      assert.equal(builder.append(p), true);
    }
    // copy: the finished view belongs to the builder
    const bytes = builder.finish().slice();
    reader.open(bytes);
    assert.equal(reader.sensorId, 'sensor-α');
    assert.equal(reader.count, n);
    assert.equal(reader.firstTsSec, sent[0]!.tsSec);
    assert.equal(reader.lastTsNsec, sent[n - 1]!.tsNsec);
    const c = reader.packets();
    for (let i = 0; i < n; i++) {
      assert.equal(c.next(), true);
      assert.deepEqual(snapshot(c), sent[i], `batch ${batch} record ${i}`);
    }
    assert.equal(c.next(), false);
    const j = Math.floor(r() * n);
    assert.deepEqual(snapshot(c.at(j)), sent[j]);
  }
  assert.ok(v4 > 100 && v6 > 100, `both families covered (v4 ${v4}, v6 ${v6})`);
});

test('extreme values round-trip (all zeros, all maxima)', () => {
  const zero: PlainPacket = {
    tsSec: 0, tsNsec: 0, ipVersion: 4, src: new Uint8Array(16), dst: new Uint8Array(16), srcPort: 0,
    dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0, urgent: 0, payloadLen: 0, ipLen: 0, tcpHeaderLen: 0,
    ttl: 0, options: 0, mss: 0, wscale: 0, tsVal: 0, tsEcr: 0, sackBlocks: 0,
  };
  const max: PlainPacket = {
    tsSec: 0xffffffff, tsNsec: 999_999_999, ipVersion: 6, src: new Uint8Array(16).fill(255),
    dst: new Uint8Array(16).fill(254), srcPort: 65535, dstPort: 65535, seq: 0xffffffff, ack: 0xffffffff,
    flags: 0xffff, window: 65535, urgent: 65535, payloadLen: 65535, ipLen: 0xffffffff, tcpHeaderLen: 255,
    ttl: 255, options: 255, mss: 65535, wscale: 255, tsVal: 0xffffffff, tsEcr: 0xffffffff, sackBlocks: 255,
  };
  const b = new BatchBuilder('x', 2);
  b.append(zero);
  b.append(max);
  const c = new BatchReader().open(b.finish()).packets();
  assert.deepEqual(snapshot(c.at(0)), zero);
  assert.deepEqual(snapshot(c.at(1)), max);
});

test('a batch inside a larger buffer (non-zero byteOffset) reads correctly', () => {
  const b = new BatchBuilder('x', 1);
  const p = randomPacket(rng(7));
  b.append(p);
  const bytes = b.finish();
  const host = new Uint8Array(bytes.length + 13);
  host.set(bytes, 13);
  const c = new BatchReader().open(host.subarray(13)).packets();
  assert.equal(c.next(), true);
  assert.deepEqual(snapshot(c), p);
});
