/**
 * The distributed path across real hosts: three network namespaces (two clients, one server) on a
 * bridge, a `tcplens sensor` capturing live inside each, one Kafka broker, two tracker instances in
 * one consumer group. Every connection the clients make is seen by two sensors (its client's and the
 * server's) and must be stored once, listing both sensors, with the outcome the test forced.
 * Traffic stays on the test's own bridge (10.77.0.0/24) and namespaces.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka } from '@tcplens/kafka';
import { openStore } from '@tcplens/store';
import { TrackerService } from '@tcplens/tracker';
import { integration } from '../support/requirements.js';
import { REPO_ROOT, TCPLENS_BIN } from '../support/tcplens-cli.js';

const req = integration(['ip', 'java'], true);
const BRIDGE = 'tlbr0';
const HOSTS = { 'tl-c1': '10.77.0.11', 'tl-c2': '10.77.0.12', 'tl-srv': '10.77.0.20' } as const;
const BROKER_HOST = '10.77.0.1';
const BROKER_PORT = '39092';
const SERVER = HOSTS['tl-srv'];
const sh = (script: string): string => execFileSync('bash', ['-c', script], { encoding: 'utf8' });

function setUpNetwork(): void {
  tearDownNetwork();
  let s = `set -e; ip link add ${BRIDGE} type bridge; ip addr add ${BROKER_HOST}/24 dev ${BRIDGE}; ip link set ${BRIDGE} up\n`;
  let i = 0;
  for (const [ns, addr] of Object.entries(HOSTS)) {
    const h = `tlv${i++}`;
    s += `ip netns add ${ns}; ip link add ${h} type veth peer name eth0 netns ${ns}; ip link set ${h} master ${BRIDGE} up\n`;
    s += `ip -n ${ns} addr add ${addr}/24 dev eth0; ip -n ${ns} link set eth0 up; ip -n ${ns} link set lo up\n`;
  }
  sh(s);
}

function tearDownNetwork(): void {
  sh(`for ns in ${Object.keys(HOSTS).join(' ')}; do ip netns del $ns 2>/dev/null || true; done; ip link del ${BRIDGE} 2>/dev/null || true`);
}

function inNs(ns: string, args: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string, ms = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no "${pattern.source}" within ${ms} ms:\n${out}`)), ms);
    const on = (d: Buffer): void => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before "${pattern.source}":\n${out}`)));
  });
}

const exited = (c: ChildProcess): Promise<number | null> =>
  c.exitCode !== null ? Promise.resolve(c.exitCode) : new Promise((resolve) => c.once('exit', resolve));

test('three hosts, a live sensor on each, one broker, two trackers: each connection stored once, seen by both its hosts', req, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tcplens-netns-'));
  chmodSync(tmp, 0o755); // each sensor drops to nobody after opening its interface: spools must be reachable
  const kafkaEnv = { ...process.env, KAFKA_HOST: BROKER_HOST, KAFKA_PORT: BROKER_PORT };
  const local = join(REPO_ROOT, 'deploy/kafka/local.sh');
  const children: ChildProcess[] = [];
  setUpNetwork();
  try {
    execFileSync('bash', [local, 'reset'], { env: kafkaEnv, stdio: 'ignore' });
    const brokers = execFileSync('bash', [local, 'start'], { env: kafkaEnv, encoding: 'utf8' }).trim().split('\n').pop()!;
    assert.equal(brokers, `${BROKER_HOST}:${BROKER_PORT}`);
    const topic = `tcplens.netns.${Date.now()}`;

    const server = inNs('tl-srv', [join(REPO_ROOT, 'test/e2e/netns/server.mjs'), SERVER, '8080']);
    children.push(server);
    await waitForLine(server, /listening/, 'server');

    const sensors = Object.keys(HOSTS).map((ns) => {
      const c = inNs(ns, [TCPLENS_BIN, 'sensor', '--brokers', brokers, '--interface', 'eth0', '--filter', 'tcp port 8080 or tcp port 8081',
        '--sensor-id', ns, '--topic', topic, '--partitions', '4', '--heartbeat-ms', '200', '--spool-dir', join(tmp, `spool-${ns}`)]);
      children.push(c);
      return c;
    });
    await Promise.all(sensors.map((c, i) => waitForLine(c, /"msg":"capturing"/, `sensor ${Object.keys(HOSTS)[i]}`)));

    const kafka = createKafka({ brokers: [brokers], clientId: 'multi-host-test' });
    const store = await openStore({ dataDir: join(tmp, 'store') });
    const quiet = { info() {}, warn() {}, error() {} };
    const cfg = { topic, groupId: `${topic}-g`, commitIntervalMs: 200, batchRows: 1000, staleSensorUs: 60e6 };
    const trackers = [new TrackerService(cfg, kafka, store, quiet), new TrackerService(cfg, kafka, store, quiet)];
    try {
      for (const t of trackers) await t.start();

      type Made = { scenario: string; clientPort: number; serverPort: number; host: string };
      const made: Made[] = [];
      const plan: [string, string, string][] = [
        ['tl-c1', 'normal', '8080'], ['tl-c2', 'normal', '8080'], ['tl-c1', 'clientReset', '8080'],
        ['tl-c2', 'serverReset', '8080'], ['tl-c1', 'refused', '8081'], ['tl-c2', 'halfClose', '8080'],
        ['tl-c1', 'normal', '8080'], ['tl-c2', 'clientReset', '8080'],
      ];
      for (const [ns, kind, port] of plan) {
        const c = inNs(ns, [join(REPO_ROOT, 'test/e2e/netns/client.mjs'), SERVER, port, kind]);
        let out = '';
        c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        assert.equal(await exited(c), 0, `${ns} ${kind}`);
        made.push({ ...(JSON.parse(out) as Omit<Made, 'host'>), host: ns });
      }
      // Let the capture threads hand over their last batches, then end every sensor's input.
      await new Promise((r) => setTimeout(r, 500));
      for (const c of sensors) c.kill('SIGTERM');
      for (const c of sensors) assert.equal(await exited(c), 0, 'sensor exits 0 after SIGTERM');

      const deadline = Date.now() + 60_000;
      let rows: Record<string, unknown>[] = [];
      while (Date.now() < deadline) {
        for (const t of trackers) await t.commitNow();
        rows = (await store.query(`SELECT orig_h, orig_p, resp_p, conn_state, rst_by, rst_phase, sensors, half_close_bytes, orig_pkts, resp_pkts FROM ${store.table} FINAL`)).rows;
        if (rows.length >= made.length && trackers.every((t) => t.openConnections === 0)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(trackers.every((t) => t.partitions().length > 0), 'both trackers own partitions');
      assert.equal(rows.length, made.length, `stored: ${JSON.stringify(rows)}`);
      const expected: Record<string, [string, string, string]> = {
        normal: ['SF', '', ''], clientReset: ['RSTO', 'orig', 'established'], serverReset: ['RSTR', 'resp', 'established'],
        refused: ['REJ', 'resp', 'handshake'], halfClose: ['SF', '', ''],
      };
      for (const m of made) {
        const r = rows.find((x) => x['orig_p'] === m.clientPort && x['resp_p'] === m.serverPort);
        assert.ok(r, `${m.host} ${m.scenario}: not stored`);
        assert.equal(r['orig_h'], `::ffff:${HOSTS[m.host as keyof typeof HOSTS]}`);
        assert.deepEqual([r['conn_state'], r['rst_by'], r['rst_phase']], expected[m.scenario], `${m.host} ${m.scenario}`);
        assert.deepEqual([...(r['sensors'] as string[])].sort(), [m.host, 'tl-srv'].sort(), `${m.scenario}: seen by its client host and the server host`);
        if (m.scenario === 'halfClose') assert.ok(Number(r['half_close_bytes']) >= 3000, `data after the client FIN: ${JSON.stringify(r)}`);
        if (m.scenario === 'normal') assert.deepEqual([r['orig_pkts'], r['resp_pkts']].map(Number).every((n) => n >= 4 && n <= 6), true, 'packets counted once, not once per sensor');
      }
    } finally {
      for (const t of trackers) await t.stop();
      await store.close();
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    spawnSyncQuiet(local, kafkaEnv);
    tearDownNetwork();
    rmSync(tmp, { recursive: true, force: true });
  }
});

function spawnSyncQuiet(local: string, env: NodeJS.ProcessEnv): void {
  try {
    execFileSync('bash', [local, 'stop'], { env, stdio: 'ignore' });
  } catch {
    /* already stopped */
  }
}
