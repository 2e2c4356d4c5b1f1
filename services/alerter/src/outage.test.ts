/**
 * The continuous alerter against a store that goes away and comes back: a store-owning process
 * (the store package's test owner, serving its embedded store over the ClickHouse HTTP interface)
 * reached through a TCP relay that the test cuts and restores. Real requests, a real network
 * failure; /metrics is read over HTTP as a health check would.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { T0, tempDir } from '@tcplens/store/testing';
import { runAlerter } from './run.js';

const ownerJs = join(dirname(fileURLToPath(import.meta.resolve('@tcplens/store/testing'))), 'test-owner.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function metrics(url: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await (await fetch(url)).text()).split('\n')) {
    const m = /^(tcplens_alerter_\w+) (\S+)$/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A TCP relay to `port` that can be cut (listener closed, open connections destroyed) and restored. */
class Relay {
  private server: net.Server | null = null;
  private readonly open = new Set<net.Socket>();
  port = 0;
  constructor(private readonly to: number) {}
  async up(): Promise<void> {
    const server = net.createServer((c) => {
      const u = net.connect(this.to, '127.0.0.1');
      for (const s of [c, u]) {
        this.open.add(s);
        s.on('close', () => this.open.delete(s));
        s.on('error', () => (s === c ? u : c).destroy());
      }
      c.pipe(u).pipe(c);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject); // e.g. the port taken meanwhile: the test fails, it does not crash
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }
  async down(): Promise<void> {
    const s = this.server;
    this.server = null;
    for (const c of this.open) c.destroy();
    await new Promise<void>((r) => s?.close(() => r()) ?? r());
  }
}

describe('tcplens alerter: the store goes away and comes back', () => {
  it('counts the failed cycles on /metrics, keeps running, and evaluates again once the store answers', { timeout: 90_000 }, async () => {
    const dir = tempDir('alerter-outage');
    const owner = spawn(process.execPath, [ownerJs, dir, 'tcplens'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: owner.stdout! });
    const ready = new Promise<string>((resolve) => lines.on('line', (l) => l.startsWith('ready ') && resolve(l.slice(6))));
    const relays: Relay[] = [];
    let stop: () => void = () => {};
    try {
      const endpoint = new URL(await ready);
      owner.stdin!.write(`${JSON.stringify({ uid: 'Coutage1', ts: T0 + 7_000_000, resp_p: 80, conn_state: 'REJ', close_kind: 'rst', rst_by: 'resp' })}\nflush\n`);
      const info = JSON.parse(readFileSync(join(dir, 'tcplens-endpoint.json'), 'utf8')) as { user: string; password: string };
      const relay = new Relay(Number(endpoint.port));
      relays.push(relay);
      await relay.up();
      let metricsUrl = '';
      const stopped = new Promise<void>((r) => (stop = r));
      const run = runAlerter(
        ['--clickhouse', `http://${info.user}:${info.password}@127.0.0.1:${relay.port}`, '--interval', '100ms', '--metrics-port', '0'],
        { stdout: () => {}, stopSignal: stopped, onMetrics: (u) => (metricsUrl = u) },
      );
      // Healthy: cycles succeed, none failed.
      const healthy = await until('two good cycles', async () => {
        if (metricsUrl === '') return undefined;
        const m = await metrics(metricsUrl);
        return (m['tcplens_alerter_cycles_total'] ?? 0) >= 2 ? m : undefined;
      });
      assert.equal(healthy['tcplens_alerter_failed_cycles_total'], 0);
      assert.ok(healthy['tcplens_alerter_last_success_timestamp_seconds']! > Date.now() / 1000 - 60);
      // Event time is the newest connection's start, read through the relay.
      assert.equal(healthy['tcplens_alerter_event_time_seconds'], (T0 + 7_000_000) / 1e6);

      // Cut: every cycle fails, the process keeps going, the last success stays where it was.
      await relay.down();
      // (A response already on its way when the relay went down may still land: the reference
      // point is the first failed cycle, after which nothing can succeed.)
      await until('a failed cycle', async () => ((await metrics(metricsUrl))['tcplens_alerter_failed_cycles_total'] ?? 0) >= 1 || undefined);
      const cutAt = Date.now() / 1000;
      const failing = await until('three more failed cycles', async () => {
        const m = await metrics(metricsUrl);
        return (m['tcplens_alerter_failed_cycles_total'] ?? 0) >= 4 ? m : undefined;
      });
      assert.ok(failing['tcplens_alerter_last_success_timestamp_seconds']! <= cutAt);

      // Restored on the same port: cycles succeed again.
      await relay.up();
      const back = await until('a good cycle after the outage', async () => {
        const m = await metrics(metricsUrl);
        return (m['tcplens_alerter_last_success_timestamp_seconds'] ?? 0) > cutAt ? m : undefined;
      });
      assert.ok(back['tcplens_alerter_cycles_total']! > failing['tcplens_alerter_cycles_total']!);
      stop();
      assert.equal(await run, 0);
    } finally {
      stop();
      for (const r of relays) await r.down();
      owner.stdin!.end();
      await new Promise((r) => (owner.exitCode !== null ? r(null) : owner.once('exit', r)));
    }
  });
});
