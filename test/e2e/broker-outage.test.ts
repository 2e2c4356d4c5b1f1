/**
 * Fault test (issue 4): the Kafka broker is stopped for 20 s and restarted while a live
 * `tcplens sensor` captures real loopback connections and a `tcplens tracker` consumes them.
 *
 * Ground truth: the connections the test makes (each forced to its outcome: FIN close, client
 * RST, server RST, refused) and tcpdump capturing the same ports alongside. Nothing may be lost:
 * every packet tcpdump saw is one the sensor captured, every captured packet is in a stored
 * record, every connection is stored once with its outcome. During the outage the sensor must
 * say so (log, kafka_up 0) and keep its backlog in the on-disk spool; after the restart the spool
 * drains to empty while traffic goes on, and the tracker, which lost the broker too, carries on.
 *
 * The broker is a private instance of deploy/kafka/local.sh on its own port (the shared one is
 * never stopped); its data is deleted before and after, so every run starts clean.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createKafka } from '@tcplens/kafka';
import { startCapture, type RunningCapture } from '../support/loopback-capture.js';
import { freePort, loopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { integration } from '../support/requirements.js';
import { clientReset, normalClose, refused, serverReset, type ScenarioResult } from '../support/scenarios.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { REPO_ROOT, tcplens } from '../support/tcplens-cli.js';

const req = integration(['tcpdump', 'java'], true);
const run = promisify(execFile);
const KAFKA_PORT = 19292; // a private broker: its own port, data and pid
const LOCAL_SH = join(REPO_ROOT, 'deploy/kafka/local.sh');
const OUTAGE_MS = 20_000;
const PAUSE_MS = 20; // between connections: ~30 connections/s with the connection itself

async function broker(cmd: 'start' | 'stop' | 'reset'): Promise<string> {
  const { stdout } = await run('bash', [LOCAL_SH, cmd], { env: { ...process.env, KAFKA_PORT: String(KAFKA_PORT) }, timeout: 300_000 });
  return stdout.trim().split('\n').pop() ?? '';
}

async function until(what: string, cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Connections one after another, a fixed mix of outcomes, until stop(). */
class Traffic {
  readonly made: ScenarioResult[] = [];
  private stopping = false;
  private readonly done: Promise<void>;

  constructor(srv: LoopbackServer, closedPort: number) {
    this.done = (async () => {
      for (let i = 0; !this.stopping; i++) {
        const k = i % 10;
        const s = k === 3 || k === 7 ? clientReset(srv) : k === 5 ? serverReset(srv) : k === 9 ? refused(closedPort) : normalClose(srv);
        this.made.push(await s);
        await sleep(PAUSE_MS);
      }
    })();
    this.done.catch(() => undefined); // surfaced by stop()
  }

  async stop(): Promise<ScenarioResult[]> {
    this.stopping = true;
    await this.done;
    return this.made;
  }
}

test('broker stopped 20 s and restarted under live capture: every packet captured is stored, every connection once, spool drained', { ...req, timeout: 300_000 }, async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'tcplens-outage-e2e-'));
  chmodSync(tmp, 0o755); // the sensor drops to nobody after opening lo: its spool must be reachable
  const children: ServiceProcess[] = [];
  let traffic: Traffic | null = null;
  let capture: RunningCapture | null = null;
  let srv: LoopbackServer | null = null;
  const t0 = Date.now();
  const note = (m: string): void => t.diagnostic(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${m}`);
  try {
    await broker('reset');
    const brokers = await broker('start');
    assert.equal(brokers, `127.0.0.1:${KAFKA_PORT}`);
    note('broker up');
    const topic = `tcplens.outage.${Date.now()}`;
    srv = await loopbackServer('127.0.0.1');
    const closedPort = await freePort('127.0.0.1');
    const store = join(tmp, 'store');
    const spool = join(tmp, 'spool');

    const tracker = startService(['tracker', '--brokers', brokers, '--data', store, '--topic', topic, '--group', `${topic}.g`, '--partitions', '2',
      '--commit-interval-ms', '200', '--metrics-port', '0', '--log-interval-s', '1']);
    children.push(tracker);
    await tracker.waitForLog(/^tracking$/);
    capture = await startCapture({ ports: [srv.port, closedPort], file: join(tmp, 'truth.pcap') });
    const sensor = startService(['sensor', '--brokers', brokers, '--interface', 'lo', '--filter', `tcp port ${srv.port} or tcp port ${closedPort}`,
      '--sensor-id', 'outage', '--topic', topic, '--partitions', '2', '--heartbeat-ms', '200', '--spool-dir', spool,
      '--metrics-port', '0', '--log-interval-s', '1']);
    children.push(sensor);
    await sensor.waitForLog(/^capturing$/);
    note('tracker and sensor running; traffic starts');

    traffic = new Traffic(srv, closedPort);
    // Before the outage: the whole path works (published, consumed), for at least 3 s.
    await sleep(3000);
    await until('the tracker to consume the sensor\'s messages', async () => (await tracker.metrics()).value('tcplens_tracker_messages_total') > 0, 30_000);
    const before = await sensor.metrics();
    assert.equal(before.value('tcplens_sensor_kafka_up'), 1);
    assert.ok(before.value('tcplens_sensor_packets_published_total') > 0, 'published before the outage');

    await broker('stop');
    const down = Date.now();
    note(`broker stopped after ${traffic.made.length} connections`);
    // The sensor spools once a send hangs (2 s), and reports Kafka down once a send has failed
    // (kafkajs gives up after its bounded retries, 10-20 s).
    const sinceDown = (): string => `${((Date.now() - down) / 1000).toFixed(1)} s after the stop`;
    await until('the sensor to spool', async () => (await sensor.metrics()).value('tcplens_sensor_spool_bytes') > 0, 60_000);
    note(`sensor spooling ${sinceDown()}`);
    await until('the sensor to report Kafka down', async () => (await sensor.metrics()).value('tcplens_sensor_kafka_up') === 0, 120_000);
    note(`sensor reports kafka_up 0 ${sinceDown()}`);
    const left = OUTAGE_MS - (Date.now() - down);
    if (left > 0) await sleep(left);
    const during = await sensor.metrics();
    const spooledBytes = during.value('tcplens_sensor_spool_bytes');
    note(`outage over after ${((Date.now() - down) / 1000).toFixed(1)} s: ${traffic.made.length} connections so far, spool ${spooledBytes} bytes in ${during.value('tcplens_sensor_spool_segments')} segments`);
    assert.ok(spooledBytes > 0, 'the backlog waits on disk');

    assert.equal(await broker('start'), brokers);
    const up = Date.now();
    note('broker restarted');
    await until('the sensor to drain its spool', async () => {
      const m = await sensor.metrics();
      return m.value('tcplens_sensor_kafka_up') === 1 && m.value('tcplens_sensor_spool_bytes') === 0 && m.value('tcplens_sensor_spool_segments') === 0;
    }, 120_000);
    note(`spool drained ${((Date.now() - up) / 1000).toFixed(1)} s after the restart`);
    const more = 3000 - (Date.now() - up);
    if (more > 0) await sleep(more);

    const made = await traffic.stop();
    traffic = null;
    const truth = await capture.stop();
    capture = null;
    note(`traffic stopped: ${made.length} connections, tcpdump ${truth.packets} packets, ${truth.droppedByKernel} dropped by kernel`);
    assert.equal(truth.droppedByKernel, 0, 'tcpdump lost nothing (else it is no ground truth)');
    // The sensor's capture thread hands packets over every 100 ms; wait until it has them all.
    await until(`the sensor to count the ${truth.packets} packets tcpdump saw`, async () => (await sensor.metrics()).value('tcplens_sensor_packets_captured_total') >= truth.packets, 15_000)
      .catch(() => undefined); // the equality below says what is missing
    const last = await sensor.metrics();
    assert.equal(last.value('tcplens_sensor_packets_captured_total'), truth.packets, 'the sensor captured what tcpdump captured');
    assert.equal(last.value('tcplens_sensor_kernel_drops_total'), 0, 'kernel drops');
    // All of that was captured and spooled after the sensor gave up root (its default as root).
    const dropped = sensor.logs.find((l) => l.msg === 'dropped privileges after opening the capture');
    assert.ok(dropped && dropped['user'] === 'nobody' && dropped['uid'] !== 0, `the sensor ran as nobody: ${JSON.stringify(dropped)}`);

    assert.equal(await sensor.stop('SIGTERM'), 0, `sensor exit after SIGTERM\n${sensor.text()}`);
    const final = sensor.logs.find((l) => /^stopped; everything still queued was published$/.test(l.msg));
    assert.ok(final, `the sensor published everything before exiting: ${JSON.stringify(sensor.logs.slice(-3))}`);
    const pub = final['publisher'] as Record<string, number>;
    assert.equal(final['packetsCaptured'], truth.packets);
    assert.equal(pub['packetsPublished'], truth.packets, 'every captured packet acknowledged by Kafka');
    assert.equal(final['spoolBytes'], 0);
    assert.equal(final['spoolDroppedPackets'], 0);
    assert.deepEqual(readdirSync(spool).filter((f) => f.endsWith('.seg')), [], 'no spool segment left on disk');
    const warned = sensor.logs.filter((l) => /^kafka send failed/.test(l.msg));
    const back = sensor.logs.filter((l) => /^kafka reachable again/.test(l.msg));
    assert.ok(warned.length >= 1 && back.length >= 1, 'the sensor logged the outage and the recovery');
    note(`sensor: ${pub['batchesPublished']} batches, ${pub['watermarksPublished']} watermarks, ${pub['sendFailures']} failed sends`);

    // The tracker has everything once it read each partition to its end, holds no open connection,
    // and committed it all (a commit follows the store write of everything read before it). Its
    // consumer lost the broker too: kafkajs restarts it, and the group lets it back in once the
    // member the restarted broker still remembers has timed out (session timeout, 30 s).
    const kafka = createKafka({ brokers: [brokers], clientId: 'outage-test' });
    const admin = await kafka.admin();
    const ends = await admin.endOffsets(topic).finally(() => admin.disconnect());
    await until('the tracker to store everything', async () => {
      const m = await tracker.metrics();
      return m.value('tcplens_tracker_open_connections') === 0 && ends.every((e) => {
        const p = { partition: String(e.partition) };
        return m.value('tcplens_tracker_next_offset', p) === e.offset && m.value('tcplens_tracker_uncommitted_messages', p) === 0;
      });
    }, 120_000);
    const tm = await tracker.metrics();
    note(`tracker: ${tm.value('tcplens_tracker_rows_written_total')} rows written, ${tm.value('tcplens_tracker_state_resets_total')} state resets`);
    assert.equal(await tracker.stop('SIGTERM'), 0, `tracker exit after SIGTERM (it survived the outage)\n${tracker.text()}`);

    const q = await tcplens(['query', '--data', store, '--format', 'json',
      'SELECT orig_p, resp_p, conn_state, rst_by, orig_pkts, resp_pkts, sensor_id FROM tcplens.connections FINAL']);
    assert.equal(q.code, 0, q.stderr);
    const rows = q.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const packets = rows.reduce((n, r) => n + Number(r['orig_pkts']) + Number(r['resp_pkts']), 0);
    note(`stored ${rows.length} connections, ${packets} packets`);
    assert.equal(packets, truth.packets, 'every captured packet is in a stored record');
    assert.equal(rows.length, made.length, 'one record per connection made');
    // Same (client port, server port, conn_state) multiset: each connection once, with its outcome
    // (a client port may come round again within the test; the multiset still counts both).
    const key = (p: unknown, s: unknown, c: unknown): string => `${String(p)}>${String(s)} ${String(c)}`;
    const want = made.map((m) => key(m.clientPort, m.serverPort, m.expected.conn_state)).sort();
    const got = rows.map((r) => key(r['orig_p'], r['resp_p'], r['conn_state'])).sort();
    assert.deepEqual(got, want);
    assert.ok(rows.every((r) => r['sensor_id'] === 'outage'));
    const states = new Map<string, number>();
    for (const m of made) states.set(m.expected.conn_state, (states.get(m.expected.conn_state) ?? 0) + 1);
    note(`by conn_state: ${[...states].map(([s, n]) => `${s} ${n}`).join(', ')}`);
  } catch (err) {
    // What the services were doing: their last warnings and their last health line.
    for (const c of children) {
      const health = c.logs.filter((l) => / health$/.test(l.msg)).pop();
      const events = c.logs.filter((l) => !/ health$/.test(l.msg) && l['component'] !== 'kafkajs').slice(-10);
      for (const l of [...events, ...(health ? [health] : [])]) t.diagnostic(JSON.stringify(l));
    }
    throw err;
  } finally {
    const keep = process.env['TCPLENS_TEST_LOGS']; // a directory: keep the services' logs there
    if (keep) for (const [i, c] of children.entries()) writeFileSync(join(keep, `broker-outage-${i}.log`), c.logs.map((l) => JSON.stringify(l)).join('\n') + '\n' + c.text());
    await traffic?.stop().catch(() => undefined);
    for (const c of children) await c.stop('SIGKILL');
    await capture?.stop().catch(() => undefined);
    await srv?.close();
    await broker('reset').catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
});
