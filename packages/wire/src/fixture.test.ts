import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { BatchBuilder, openBatch, RECORD_SIZE, HEADER_SIZE, BatchKind } from './index.js';
import { mapped4, readHexFixture, snapshot, type PlainPacket } from './test-support.js';

// The same two packets the hand-written testdata/two-records.hex describes, field by field.
const syn: PlainPacket = {
  tsSec: 1700000000, tsNsec: 123456000, ipVersion: 4,
  src: mapped4(10, 0, 0, 1), dst: mapped4(10, 0, 0, 2), srcPort: 40000, dstPort: 80,
  seq: 0x01020304, ack: 0, flags: 0x002, window: 64240, urgent: 0, payloadLen: 0, ipLen: 60,
  tcpHeaderLen: 40, ttl: 64, options: 0x17, mss: 1460, wscale: 7, tsVal: 0xaabbccdd, tsEcr: 0, sackBlocks: 0,
};
const v6 = (last: number) => Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last);
const big: PlainPacket = {
  tsSec: 1700000000, tsNsec: 999999999, ipVersion: 6,
  src: v6(1), dst: v6(2), srcPort: 443, dstPort: 51000,
  seq: 0xffffffff, ack: 0x80000000, flags: 0x138, window: 65535, urgent: 0x1234, payloadLen: 65452,
  ipLen: 65536, tcpHeaderLen: 44, ttl: 255, options: 0x18, mss: 0, wscale: 0, tsVal: 1, tsEcr: 0xaabbccdd,
  sackBlocks: 1,
};

test('the builder produces the hand-written fixture byte for byte', () => {
  const expected = readHexFixture('two-records.hex');
  assert.equal(expected.length, HEADER_SIZE + 2 * RECORD_SIZE);
  const b = new BatchBuilder('s1', 4);
  assert.equal(b.append(syn), true);
  assert.equal(b.append(big), true);
  const got = b.finish();
  assert.deepEqual(Buffer.from(got).toString('hex'), Buffer.from(expected).toString('hex'));
});

test('the reader returns the hand-written values from the fixture', () => {
  const r = openBatch(readHexFixture('two-records.hex'));
  assert.equal(r.kind, BatchKind.packets);
  assert.equal(r.sensorId, 's1');
  assert.equal(r.count, 2);
  assert.deepEqual([r.firstTsSec, r.firstTsNsec, r.lastTsSec, r.lastTsNsec], [1700000000, 123456000, 1700000000, 999999999]);
  const c = r.packets();
  assert.equal(c.next(), true);
  assert.deepEqual(snapshot(c), syn);
  assert.equal(c.next(), true);
  assert.deepEqual(snapshot(c), big);
  assert.equal(c.next(), false);
  assert.deepEqual(snapshot(c.at(0)), syn);
});
