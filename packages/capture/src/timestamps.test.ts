import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveCapture } from './live-capture.js';
import { nextRecord } from './batch.js';
import { captureSkipReason, prepareUdpBurst, sleep, waitFor } from './test-support.js';

test('kernel timestamps: nanosecond precision, non-decreasing, within a second of the wall clock', { skip: captureSkipReason(), timeout: 20_000 }, async () => {
  const N = 2000;
  const burst = await prepareUdpBurst(N, 20_000); // paced: 2000 datagrams over ~100 ms
  const capture = new LiveCapture('lo', { filter: `udp and dst port ${burst.port}` });
  const info = capture.start((batch) => {
    let off = 0;
    for (let i = 0; i < batch.count; i++) {
      const capLen = batch.buffer.readUInt32LE(off + 8);
      ts.push(batch.buffer.readUInt32LE(off) * 1e9 + batch.buffer.readUInt32LE(off + 4));
      nsec.push(batch.buffer.readUInt32LE(off + 4));
      off = nextRecord(off, capLen);
    }
    assert.equal(off, batch.bytes, 'records must fill exactly the bytes the batch reports');
  });
  const ts: number[] = [];
  const nsec: number[] = [];
  const before = Date.now();
  await burst.send();
  const after = Date.now();
  await waitFor(() => ts.length >= N, 5000);
  await capture.stop();
  burst.close();

  assert.equal(info.precision, 'nano');
  assert.equal(ts.length, N);
  for (const n of nsec) assert.ok(n >= 0 && n < 1e9, `tsNsec out of range: ${n}`);
  // Microsecond timestamps scaled to ns would all be multiples of 1000; real ns ones almost never are.
  const notMicro = nsec.filter((n) => n % 1000 !== 0).length;
  assert.ok(notMicro > N * 0.9, `only ${notMicro} of ${N} timestamps carry sub-microsecond digits`);
  for (let i = 1; i < ts.length; i++) assert.ok(ts[i]! >= ts[i - 1]!, `timestamp ${i} went backwards`);
  // Double precision holds ns since 1970 to within ~256 ns: plenty for a ms-level wall-clock check.
  assert.ok(ts[0]! / 1e6 >= before - 1000 && ts[ts.length - 1]! / 1e6 <= after + 1000,
    `capture times ${ts[0]! / 1e6}..${ts[ts.length - 1]! / 1e6} not within 1 s of ${before}..${after}`);
  // The paced send spread over ≥ ~100 ms; the timestamps must show that spread, not one instant.
  assert.ok((ts[ts.length - 1]! - ts[0]!) / 1e6 > 50, 'timestamps do not reflect the paced sending');
});

test('tstampPrecision micro gives microsecond values in the ns field', { skip: captureSkipReason(), timeout: 20_000 }, async () => {
  const burst = await prepareUdpBurst(200, 10_000);
  const capture = new LiveCapture('lo', { filter: `udp and dst port ${burst.port}`, tstampPrecision: 'micro' });
  const nsec: number[] = [];
  const info = capture.start((batch) => {
    let off = 0;
    for (let i = 0; i < batch.count; i++) {
      nsec.push(batch.buffer.readUInt32LE(off + 4));
      off = nextRecord(off, batch.buffer.readUInt32LE(off + 8));
    }
  });
  await burst.send();
  await waitFor(() => nsec.length >= 200, 5000);
  await sleep(10);
  await capture.stop();
  burst.close();
  assert.equal(info.precision, 'micro');
  assert.equal(nsec.length, 200);
  for (const n of nsec) assert.equal(n % 1000, 0);
});
