import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { crc32 } from 'node:zlib';
import { BatchReader, openBatch, WireError, type WireErrorCode } from './index.js';
import { readHexFixture } from './test-support.js';

function throwsWire(fn: () => unknown, code: WireErrorCode, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    if (!(e instanceof WireError)) assert.fail(`expected WireError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.retriable, false);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** The fixture with some bytes changed and the CRC recomputed, so only the change is wrong. */
function edited(edit: (b: Uint8Array, v: DataView) => void): Uint8Array {
  const b = readHexFixture('two-records.hex');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  edit(b, v);
  v.setUint32(8, crc32(b.subarray(12)), true);
  return b;
}

test('a batch of another version is refused naming both versions', () => {
  const b = edited((_, v) => v.setUint16(4, 2, true));
  throwsWire(() => openBatch(b), 'TCPLENS_ERR_WIRE_VERSION', /^wire format version 2 is not supported \(this build reads version 1\)$/);
  throwsWire(() => openBatch(edited((_, v) => v.setUint16(4, 0, true))), 'TCPLENS_ERR_WIRE_VERSION', /version 0 .* version 1/);
});

test('bad magic is refused', () => {
  const b = readHexFixture('two-records.hex');
  b[3] = 0x4d; // "TCPM"
  throwsWire(() => openBatch(b), 'TCPLENS_ERR_WIRE_BAD_MAGIC', /54 43 50 4d/);
  throwsWire(() => openBatch(Buffer.from('{"json":true}')), 'TCPLENS_ERR_WIRE_BAD_MAGIC');
});

test('flipping any single byte after the checksum field is caught', () => {
  const good = readHexFixture('two-records.hex');
  for (let i = 12; i < good.length; i++) {
    const b = good.slice();
    b[i] = b[i]! ^ 0x01;
    // structural fields (kind, record size, count, sensor id length) may fail earlier; never silently
    assert.throws(() => openBatch(b), WireError, `byte ${i}`);
  }
  const rec = good.slice();
  rec[150] = rec[150]! ^ 0x80; // inside record 0
  throwsWire(() => openBatch(rec), 'TCPLENS_ERR_WIRE_CHECKSUM', /header says 0xd75c7473/);
  const crc = good.slice();
  crc[8] = crc[8]! ^ 0xff;
  throwsWire(() => openBatch(crc), 'TCPLENS_ERR_WIRE_CHECKSUM');
});

test('a truncated batch throws TRUNCATED at every length, never a RangeError', () => {
  const good = readHexFixture('two-records.hex');
  for (let len = 0; len < good.length; len++) {
    throwsWire(() => openBatch(good.subarray(0, len)), 'TCPLENS_ERR_WIRE_TRUNCATED');
    throwsWire(() => openBatch(good.slice(0, len)), 'TCPLENS_ERR_WIRE_TRUNCATED');
  }
  assert.equal(openBatch(good).count, 2);
});

test('bytes after the last record are refused', () => {
  const good = readHexFixture('two-records.hex');
  const longer = new Uint8Array(good.length + 1);
  longer.set(good);
  throwsWire(() => openBatch(longer), 'TCPLENS_ERR_WIRE_TRAILING_BYTES');
});

test('header length below 100 and a wrong record size are refused', () => {
  throwsWire(() => openBatch(edited((_, v) => v.setUint16(6, 99, true))), 'TCPLENS_ERR_WIRE_HEADER_LENGTH', /99/);
  throwsWire(() => openBatch(edited((_, v) => v.setUint16(14, 81, true))), 'TCPLENS_ERR_WIRE_RECORD_SIZE');
});

test('a count larger than the buffer is TRUNCATED, a huge count does not allocate or crash', () => {
  throwsWire(() => openBatch(edited((_, v) => v.setUint32(16, 3, true))), 'TCPLENS_ERR_WIRE_TRUNCATED');
  throwsWire(() => openBatch(edited((_, v) => v.setUint32(16, 0xffffffff, true))), 'TCPLENS_ERR_WIRE_TRUNCATED');
});

test('sensor id length 0 or above 63, or invalid UTF-8, is refused', () => {
  throwsWire(() => openBatch(edited((b) => (b[36] = 0))), 'TCPLENS_ERR_WIRE_SENSOR_ID');
  throwsWire(() => openBatch(edited((b) => (b[36] = 64))), 'TCPLENS_ERR_WIRE_SENSOR_ID');
  const r = openBatch(edited((b) => (b[37] = 0xff)));
  throwsWire(() => r.sensorId, 'TCPLENS_ERR_WIRE_SENSOR_ID');
});

test('a larger header (compatible extension) is skipped by header length', () => {
  const good = readHexFixture('two-records.hex');
  const b = new Uint8Array(good.length + 8);
  b.set(good.subarray(0, 100));
  b.set(good.subarray(100), 108);
  const v = new DataView(b.buffer);
  v.setUint16(6, 108, true);
  v.setUint32(8, crc32(b.subarray(12)), true);
  const c = openBatch(b).packets();
  assert.equal(c.next(), true);
  assert.equal(c.srcPort, 40000);
  assert.equal(c.next(), true);
  assert.equal(c.srcPort, 443);
});

test('an unknown kind passes validation so a consumer can skip it; asking for packets throws KIND', () => {
  const b = edited((b, v) => {
    b[12] = 9;
    v.setUint16(14, 40, true);
    v.setUint32(16, 4, true);
  });
  const r = new BatchReader().open(b);
  assert.equal(r.kind, 9);
  assert.equal(r.count, 4);
  throwsWire(() => r.packets(), 'TCPLENS_ERR_WIRE_KIND');
  throwsWire(() => r.watermark(), 'TCPLENS_ERR_WIRE_KIND');
});

test('a failed open leaves the reader on its previous batch', () => {
  const r = new BatchReader().open(readHexFixture('two-records.hex'));
  assert.throws(() => r.open(new Uint8Array(3)), WireError);
  assert.equal(r.count, 2);
  assert.equal(r.packets().next(), true);
});
