/**
 * End to end, as a user runs it: real TCP connections through the kernel on loopback, captured by
 * tcpdump, analysed by the `tcplens` command; the records are checked against what the test did and
 * against tshark on the same file.
 */
import { test, before, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCapture } from '../support/loopback-capture.js';
import { freePort, loopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { clientReset, halfClose, normalClose, refused, serverClosesFirst, serverReset, type ScenarioResult } from '../support/scenarios.js';
import { findStream, tsharkStreams, type TsharkStream } from '../support/tshark-streams.js';
import { integration } from '../support/requirements.js';
import { tcplens } from '../support/tcplens-cli.js';

const req = integration(['tcpdump', 'tshark'], true);
const dir = mkdtempSync(join(tmpdir(), 'tcplens-e2e-'));
const file = join(dir, 'loopback.pcap');
let scenarios: ScenarioResult[] = [];
let records: Record<string, unknown>[] = [];
let streams: TsharkStream[] = [];

before(async () => {
  if (req.skip) return;
  const v4: LoopbackServer = await loopbackServer('127.0.0.1');
  const v6: LoopbackServer = await loopbackServer('::1');
  const closedPort = await freePort('127.0.0.1');
  const cap = await startCapture({ ports: [v4.port, v6.port, closedPort], file });
  try {
    scenarios.push(await normalClose(v4));
    scenarios.push(await normalClose(v6));
    scenarios.push(await clientReset(v4));
    scenarios.push(await serverReset(v4));
    scenarios.push(await refused(closedPort));
    scenarios.push(await serverClosesFirst(v4));
    scenarios.push(await halfClose(v4));
    for (let i = 0; i < 5; i++) scenarios.push(await normalClose(v4));
  } finally {
    // tcpdump's kernel-drop counter also counts other loopback traffic seen before its filter was
    // set, so it is not a verdict on our packets; the per-connection checks below are.
    const stats = await cap.stop();
    console.log(`# tcpdump: ${JSON.stringify(stats)}`);
    await v4.close();
    await v6.close();
  }
  const r = await tcplens(['analyze', '--no-store', '--format', 'json', file]);
  assert.equal(r.code, 0, r.stderr);
  records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  streams = await tsharkStreams(file);
});

after(() => { if (!process.env['TCPLENS_KEEP']) rmSync(dir, { recursive: true, force: true }); });

const recordFor = (s: ScenarioResult): Record<string, unknown> | undefined =>
  records.find((r) => r['orig_p'] === s.clientPort && r['resp_p'] === s.serverPort);

test('every connection the test made is one record, with the outcome the test forced', req, () => {
  assert.equal(records.length, scenarios.length, `records: ${records.map((r) => `${String(r['orig_p'])}>${String(r['resp_p'])} ${String(r['conn_state'])}`).join(', ')}`);
  for (const s of scenarios) {
    const r = recordFor(s);
    assert.ok(r, `${s.name}: no record for client port ${s.clientPort}`);
    const e = s.expected;
    const got = {
      conn_state: r['conn_state'], close_kind: r['close_kind'], closed_first: r['closed_first'],
      rst_by: r['rst_by'], rst_phase: r['rst_phase'], orig_bytes: r['orig_bytes'], resp_bytes: r['resp_bytes'],
    };
    assert.deepEqual(got, { ...e }, `${s.name} (${s.host} ${s.clientPort} → ${s.serverPort}), history ${String(r['history'])}`);
    assert.equal(r['resp_h'], s.host === '::1' ? '::1' : '127.0.0.1');
    assert.equal(r['ip_version'], s.host === '::1' ? 6 : 4);
  }
});

test('the same connections as tshark, and the whole handshake equal to tcp.analysis.initial_rtt to the µs', req, () => {
  assert.equal(streams.length, records.length, 'tshark and tcplens disagree on the number of connections');
  let compared = 0;
  for (const s of scenarios) {
    const st = findStream(streams, s.clientPort, s.serverPort);
    const r = recordFor(s);
    assert.ok(st && r, `${s.name}: missing in tshark or tcplens`);
    assert.equal(r['orig_pkts'], st.origPackets, `${s.name}: originator packets`);
    assert.equal(r['resp_pkts'], st.respPackets, `${s.name}: responder packets`);
    if (s.expected.conn_state === 'REJ') {
      // tshark gives a refused attempt an initial_rtt (SYN → RST/ACK); there was no handshake.
      assert.equal(r['handshake_us'], null, `${s.name}: no handshake`);
    } else if (st.initialRttUs !== null) {
      assert.equal(r['handshake_us'], st.initialRttUs, `${s.name}: handshake vs tshark initial_rtt`);
      compared++;
    } else {
      assert.equal(r['handshake_us'], null, `${s.name}: tshark saw no complete handshake`);
    }
  }
  assert.ok(compared >= scenarios.length - 2, `initial_rtt compared for ${compared} connections`);
});

test('the stored records answer SQL and reports (embedded store)', req, async () => {
  const data = join(dir, 'store');
  const a = await tcplens(['analyze', '--data', data, file]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, new RegExp(`Connections: ${scenarios.length}\\b`));
  assert.match(a.stdout, /Refused attempts \(REJ\): 1\b/);
  const q = await tcplens(['query', '--data', data, '--format', 'json', 'SELECT conn_state, count() AS n FROM tcplens.connections GROUP BY conn_state ORDER BY conn_state']);
  assert.equal(q.code, 0, q.stderr);
  const byState = Object.fromEntries(q.stdout.trim().split('\n').map((l) => {
    const o = JSON.parse(l) as { conn_state: string; n: number | string };
    return [o.conn_state, Number(o.n)];
  }));
  const expected: Record<string, number> = {};
  for (const s of scenarios) expected[s.expected.conn_state] = (expected[s.expected.conn_state] ?? 0) + 1;
  assert.deepEqual(byState, expected);
  const rep = await tcplens(['report', 'resets', '--data', data, '--format', 'csv', '--server', `127.0.0.1:${scenarios[0]!.serverPort}`]);
  assert.equal(rep.code, 0, rep.stderr);
  assert.match(rep.stdout, /after_fin/, 'the server-closed-first connection appears as a RST after FIN');
});

test('--format zeek writes a conn.log with Zeek header lines and one line per connection', req, async () => {
  const z = await tcplens(['analyze', '--no-store', '--format', 'zeek', file]);
  assert.equal(z.code, 0, z.stderr);
  const lines = z.stdout.trimEnd().split('\n');
  assert.equal(lines[0], '#separator \\x09');
  const fields = lines.find((l) => l.startsWith('#fields'))!.split('\t').slice(1);
  assert.deepEqual(fields.slice(0, 6), ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p']);
  const body = lines.filter((l) => !l.startsWith('#'));
  assert.equal(body.length, scenarios.length);
  for (const l of body) assert.equal(l.split('\t').length, fields.length);
  const rej = body.find((l) => l.split('\t')[11] === 'REJ');
  assert.ok(rej, 'a REJ line');
});
