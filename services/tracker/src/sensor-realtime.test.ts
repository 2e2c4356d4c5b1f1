/**
 * `tcplens sensor --read FILE --realtime` against the broker, read back from the topic: a sparse
 * capture (5 connections every 0.6 s of packet time) is replayed at its own pace, and every batch
 * leaves within --linger-ms of its first packet's moment, not when a heartbeat or the end of the
 * input seals it (heartbeats are set to 60 s of packet time here, so only the linger timer can).
 * Times come from the messages' Kafka timestamps, which the producer sets when it sends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokersForTests, createKafka } from '@tcplens/kafka';
import { BatchKind, openBatch } from '@tcplens/wire';
import { writeSyntheticPcap } from './test-pcap.js';
import { runSensorBin, uniqueTopic, waitFor } from './test-support.js';

const found = await brokersForTests();
const tmp = mkdtempSync(join(tmpdir(), 'tcplens-realtime-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

test('--realtime replays a sparse capture at its own pace; each batch is sent within the linger of its first packet', { timeout: 120_000 }, async (t) => {
  if (!found.brokers) return t.skip(found.skip);
  const brokers = found.brokers;
  const file = join(tmp, 'sparse.pcap');
  const packets = writeSyntheticPcap(file, { waves: 5, perWave: 5, gapSec: 0.6 });
  const topic = uniqueTopic('realtime');
  const t0 = performance.now();
  await runSensorBin(['--brokers', brokers.join(','), '--read', file, '--realtime', '--topic', topic, '--partitions', '1', '--buckets', '1',
    '--sensor-id', 'rt', '--heartbeat-ms', '60000', '--linger-ms', '100', '--spool-dir', join(tmp, 'spool')]);
  const replaySeconds = (performance.now() - t0) / 1000;

  // Every packets batch: its Kafka timestamp and the packet time (µs) of its first and last packet.
  const batches: { sentMs: number; firstUs: number; lastUs: number; count: number }[] = [];
  const kafka = createKafka({ brokers, clientId: 'test-realtime', logger: quiet });
  const consumer = await kafka.consumer({ groupId: `${topic}-g` });
  await consumer.subscribe(topic);
  let got = 0;
  await consumer.run({
    eachBatch: async (b) => {
      for (const m of b.messages) {
        const r = openBatch(m.value!);
        if (r.kind !== BatchKind.packets) continue;
        const c = r.packets();
        let firstUs = -1;
        let lastUs = -1;
        while (c.next()) {
          const us = c.tsSec * 1e6 + Math.floor(c.tsNsec / 1000);
          if (firstUs < 0) firstUs = us;
          lastUs = us;
        }
        batches.push({ sentMs: m.timestampMs, firstUs, lastUs, count: c.count });
        got += c.count;
      }
    },
  });
  await waitFor(`${packets} packets on the topic`, () => got >= packets, 30_000);
  await consumer.disconnect();
  assert.equal(got, packets);

  batches.sort((a, b) => a.firstUs - b.firstUs);
  const first = batches[0]!;
  const last = batches[batches.length - 1]!;
  const spanMs = (last.lastUs - first.firstUs) / 1000;
  assert.ok(spanMs > 2000, `the capture spans ${spanMs} ms of packet time`);
  assert.ok(replaySeconds * 1000 >= spanMs, `the replay took ${replaySeconds} s for ${spanMs} ms of packets`);
  // Each batch's lag: its send time minus its first packet's offset in the capture. The first
  // second is left out (the producer may still be connecting then). Paced and lingering, the lags
  // agree within the linger and scheduling; a replay not paced per packet sends the later batches
  // too early (lags spread by the span, 1.4 s), one without the linger holds them to the end (same).
  const settled = batches.filter((b) => b.firstUs - first.firstUs >= 1_000_000);
  assert.ok(settled.length >= 3, `batches after the first second: ${settled.length}`);
  const lags = settled.map((b) => b.sentMs - (b.firstUs - first.firstUs) / 1000);
  const spread = Math.max(...lags) - Math.min(...lags);
  assert.ok(spread < 600, `batch lags spread over ${spread} ms: ${lags.map((l) => Math.round(l - lags[0]!)).join(', ')}`);
  const s0 = settled[0]!;
  const sN = settled[settled.length - 1]!;
  assert.ok(sN.sentMs - s0.sentMs >= (sN.firstUs - s0.firstUs) / 1000 - 600, 'the later batches went out over their span');
  assert.ok(batches.length >= 5, `one batch or more per wave (${batches.length})`);
});
