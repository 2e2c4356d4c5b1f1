// Measurement tooling: GNU time parsing, peak RSS of a process whose allocation we control, and
// the peer tools on a capture whose packet count tcpdump tells us.
import { test } from 'node:test';
import { integration } from '../support/requirements.js';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCapture } from '../support/loopback-capture.js';
import { freePort, loopbackServer } from '../support/loopback-server.js';
import { normalClose, refused, serverClosesFirst } from '../support/scenarios.js';
import { measureCommand, timeField } from './measure-command.js';
import { parseRaPackets, timeArgus, timeTcpdump } from './peers.js';
import { scanPcap } from './pcap-scan.js';

test('GNU time fields and ra output are parsed', () => {
  const report = '\tCommand being timed: "x"\n\tMaximum resident set size (kbytes): 51708\n\tExit status: 0\n';
  assert.equal(timeField(report, 'Maximum resident set size (kbytes)'), 51708);
  assert.throws(() => timeField(report, 'User time (seconds)'), /no numeric/);
  assert.deepEqual(parseRaPackets('TotPkts \n10\n 6\n\n2\n'), { flows: 3, packets: 18 });
});

test('measureCommand sees the peak RSS of a process that touches 200 MB', integration(['/usr/bin/time']), async () => {
  const small = await measureCommand(process.execPath, ['-e', '0']);
  const big = await measureCommand(process.execPath, ['-e', 'Buffer.alloc(200e6).fill(1)']);
  assert.ok(big.maxRssKiB - small.maxRssKiB >= 190_000, `${small.maxRssKiB} -> ${big.maxRssKiB} KiB`);
  assert.ok(big.maxRssKiB < 400_000, `${big.maxRssKiB} KiB`);
  const failed = await measureCommand('false', [], { check: false });
  assert.equal(failed.exitCode, 1);
  await assert.rejects(measureCommand('false', []), /exited with 1/);
});

test('tcpdump and argus account for every packet of a loopback capture', integration(['tcpdump', 'argus', 'ra', '/usr/bin/time'], true), async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-peers-'));
  const srv = await loopbackServer();
  const closed = await freePort();
  // No UDP flush probe: the peers are compared on every packet of the file, and argus is asked for TCP.
  const cap = await startCapture({ ports: [srv.port, closed], file: join(dir, 'p.pcap'), flushProbe: false });
  try {
    await normalClose(srv);
    await refused(closed);
    await serverClosesFirst(srv);
  } finally {
    await srv.close();
    await cap.stop();
  }
  const stats = await cap.stop();
  assert.equal(scanPcap(stats.file).packets, stats.packets);
  const td = await timeTcpdump(stats.file, 1);
  assert.equal(td.packets, stats.packets);
  const ar = await timeArgus(stats.file, 1);
  assert.equal(ar.packets, stats.packets);
  assert.equal(ar.flows, 3, 'argus: one IPv4 flow per connection');
  assert.ok(ar.wallSeconds > 0 && ar.maxRssKiB > 0);
  rmSync(dir, { recursive: true, force: true });
});
