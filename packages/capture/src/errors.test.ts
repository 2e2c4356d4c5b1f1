import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CaptureError, CaptureErrorCode } from './errors.js';
import { LiveCapture } from './live-capture.js';
import { CAPTURE_DEFAULTS } from './options.js';
import { captureSkipReason } from './test-support.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CaptureError, `expected a CaptureError, got ${String(err)}`);
    return err.code;
  }
  return 'no error';
};

test('a filter libpcap cannot compile gives TCPLENS_ERR_CAPTURE_BAD_FILTER with pcap_compile\'s message', { skip: captureSkipReason() }, () => {
  const c = new LiveCapture('lo', { filter: 'tcp and and port 80' });
  assert.throws(() => c.open(), (err: CaptureError) => {
    assert.equal(err.code, 'TCPLENS_ERR_CAPTURE_BAD_FILTER');
    assert.equal(err.retriable, false);
    assert.match(err.message, /syntax error/);
    assert.match(err.message, /tcp and and port 80/);
    return true;
  });
  assert.equal(c.state, 'created', 'a failed open leaves the capture unopened');
});

test('an unknown interface gives TCPLENS_ERR_CAPTURE_NO_SUCH_DEVICE', { skip: captureSkipReason() }, () => {
  assert.equal(code(() => new LiveCapture('tcplens-none0').open()), 'TCPLENS_ERR_CAPTURE_NO_SUCH_DEVICE');
});

test('invalid options are reported together, before anything is opened', () => {
  assert.throws(() => new LiveCapture('lo', { snaplen: 10, batchSlots: 99, tstampPrecision: 'pico' as 'nano' }), (err: CaptureError) => {
    assert.equal(err.code, 'TCPLENS_ERR_CAPTURE_BAD_OPTIONS');
    assert.match(err.message, /snaplen/);
    assert.match(err.message, /batchSlots/);
    assert.match(err.message, /tstampPrecision/);
    return true;
  });
});

test('defaults: tcp filter, headers-only snaplen, 32 MiB ring, nanosecond timestamps, not promiscuous', () => {
  const c = new LiveCapture('lo');
  assert.equal(c.options.filter, 'tcp');
  assert.equal(c.options.snaplen, 128);
  assert.equal(c.options.bufferSize, 32 * 1024 * 1024);
  assert.equal(c.options.tstampPrecision, 'nano');
  assert.equal(c.options.promisc, false);
  assert.ok(Object.isFrozen(c.options) && Object.isFrozen(CAPTURE_DEFAULTS));
});

test('lifecycle misuse gives TCPLENS_ERR_CAPTURE_STATE; stop() before start() is harmless', { skip: captureSkipReason() }, async () => {
  const c = new LiveCapture('lo', { filter: 'udp port 9' });
  const info = c.open();
  assert.equal(info.linkType, 1, 'lo is DLT_EN10MB on Linux');
  const s = await c.stop();
  assert.equal(s.delivered, 0);
  assert.equal(c.state, 'stopped');
  assert.equal(code(() => c.start(() => {})), 'TCPLENS_ERR_CAPTURE_STATE');
  const d = new LiveCapture('lo', { filter: 'udp port 9' });
  d.start(() => {});
  assert.equal(code(() => d.start(() => {})), 'TCPLENS_ERR_CAPTURE_STATE');
  await Promise.all([d.stop(), d.stop()]);
  assert.equal(d.state, 'stopped');
});

test('the README lists exactly the error codes of the table', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const listed = [...readme.matchAll(/`(TCPLENS_ERR_CAPTURE_\w+)`/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(listed)].sort(), Object.keys(CaptureErrorCode).sort());
});
