// The scenario helpers promise an outcome; this checks the promise against a real loopback
// capture read by tshark, independently of tcplens. Needs root (tcpdump on lo) and tshark.
import { test } from 'node:test';
import { integration } from './requirements.js';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCapture } from './loopback-capture.js';
import { freePort, loopbackServer } from './loopback-server.js';
import { clientReset, halfClose, normalClose, refused, serverClosesFirst, serverReset, type ScenarioResult } from './scenarios.js';
import { COMPLETENESS as C, findStream, tsharkStreams } from './tshark-streams.js';

test('every scenario is seen by tshark as the helper says', integration(['tcpdump', 'tshark'], true), async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-scenarios-'));
  const v4 = await loopbackServer('127.0.0.1');
  const v6 = await loopbackServer('::1');
  const closedPort = await freePort();
  const cap = await startCapture({ ports: [v4.port, v6.port, closedPort], file: join(dir, 'scenarios.pcap') });
  const runs: ScenarioResult[] = [];
  try {
    runs.push(await normalClose(v4));
    runs.push(await clientReset(v4));
    runs.push(await serverReset(v4));
    runs.push(await refused(closedPort));
    runs.push(await serverClosesFirst(v4));
    runs.push(await halfClose(v4));
    runs.push(await normalClose(v6));
    runs.push(await serverClosesFirst(v6));
  } finally {
    await Promise.all([v4.close(), v6.close()]);
    await cap.stop();
  }
  const stats = await cap.stop();
  // Not asserted 0: libpcap's kernel drop counter also counts other loopback traffic that filled
  // the ring before the filter was installed (seen: 30, while other tests ran). A drop of one of
  // our packets shows up below as a missing flag, byte or stream.
  if (stats.droppedByKernel > 0) t.diagnostic(`tcpdump: ${stats.droppedByKernel} packets dropped by kernel`);
  const streams = await tsharkStreams(stats.file);
  assert.equal(streams.length, runs.length, 'one tshark stream per scenario, nothing else');
  assert.equal(streams.reduce((n, s) => n + s.packets, 0), stats.packets);
  for (const r of runs) {
    const s = findStream(streams, r.clientPort, r.serverPort);
    const what = `${r.name} on ${r.host}`;
    if (!s) assert.fail(`${what}: no stream ${r.clientPort} -> ${r.serverPort}`);
    const e = r.expected;
    assert.equal(s.ipVersion, r.host === '::1' ? 6 : 4, what);
    assert.equal(s.firstRst ?? '', e.rst_by, `${what}: first RST sender`);
    assert.equal(s.firstFin ?? s.firstRst, e.closed_first, `${what}: first FIN (or RST) sender`);
    assert.equal(s.origPayload, e.orig_bytes, `${what}: orig payload`);
    assert.equal(s.respPayload, e.resp_bytes, `${what}: resp payload`);
    assert.ok(s.initialRttUs !== null && s.initialRttUs >= 1, `${what}: initial RTT ${s.initialRttUs}`);
    const has = (bit: number): boolean => (s.completeness & bit) !== 0;
    assert.equal(has(C.SYN), true, what);
    assert.equal(has(C.SYNACK), e.conn_state !== 'REJ', `${what}: SYN-ACK seen`);
    assert.equal(has(C.RST), e.rst_by !== '', `${what}: RST seen`);
    assert.equal(has(C.FIN), e.close_kind === 'fin_both' || e.rst_phase === 'after_fin', `${what}: FIN seen`);
    if (e.close_kind === 'fin_both') assert.ok(s.origFlags & 1 && s.respFlags & 1, `${what}: FIN from both`);
  }
  rmSync(dir, { recursive: true, force: true });
});
