import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDecodeStats, MutableTcpPacket } from '@tcplens/packet';
import { decodeBatch } from './batch.js';
import { LiveCapture } from './live-capture.js';
import { captureSkipReason, prepareUdpBurst, sleep, startTcpdump, waitFor } from './test-support.js';

const N = 100_000;

// The reason this binding exists: the `cap` package delivered 51,100 of such a burst. Here the
// binding and tcpdump capture the same burst with the same filter and ring size.
test('a 100,000-datagram loopback burst: binding count == tcpdump count == sent', { skip: captureSkipReason(), timeout: 60_000 }, async () => {
  const burst = await prepareUdpBurst(N);
  const filter = `udp and dst port ${burst.port}`;
  const capture = new LiveCapture('lo', { filter });
  const stats = createDecodeStats();
  const out = new MutableTcpPacket();
  let batches = 0;
  capture.start((batch) => {
    batches++;
    decodeBatch(batch, out, stats, () => assert.fail('a UDP datagram was decoded as TCP'));
  });
  const tcpdump = await startTcpdump('lo', filter);
  const { sent } = await burst.send();
  await waitFor(() => capture.stats().delivered >= sent, 10_000);
  // tcpdump reads with libpcap's default 1 s timeout: its last partly filled TPACKET_V3 block is
  // handed over by the kernel's 1 s block timer, and SIGINT would leave it uncounted.
  await sleep(1500);
  const ours = await capture.stop();
  const theirs = await tcpdump.stop();
  burst.close();

  const report = `sent ${sent}, binding delivered ${ours.delivered} (kernel drops ${ours.dropped}), tcpdump captured ${theirs.captured} (drops ${theirs.droppedByKernel})`;
  assert.equal(sent, N, report);
  assert.equal(ours.dropped, 0, report);
  assert.equal(ours.delivered, N, report);
  assert.equal(theirs.captured, N, report);
  assert.equal(ours.delivered, theirs.captured, report);
  // Every record went through the decoder and was counted as not TCP, none lost in the batch walk.
  assert.equal(stats.packets, N);
  assert.equal(stats.reasons.not_tcp, N);
  assert.ok(batches > 1, `expected several batches, got ${batches}`);
});
