/**
 * Makes a benchmark capture of real loopback traffic through the kernel's TCP stack:
 *   node test/dist/bench/make-capture.js --packets 1000000 --out .cache/bench-1m.pcap
 * wrk loads a local Node HTTP server with short connections (Connection: close), our own clients
 * add aborted (RST) and refused connections, and tcpdump -c stops at exactly N packets.
 * A file that already holds >= N packets is reused (the bench cache); the summary is kept beside
 * it as FILE.json. The capture is written to FILE.partial and renamed only when complete.
 */
import { fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { startCapture } from '../support/loopback-capture.js';
import { freePort } from '../support/loopback-server.js';
import { startAbortClients, type AbortClientStats } from './abort-clients.js';
import { captureCensus, type CaptureCensus } from './capture-census.js';
import { scanPcap } from './pcap-scan.js';

export interface MakeCaptureOptions {
  packets: number;
  out: string;
  snaplen?: number;
  /** wrk connections (default 16) and threads (default 2). */
  wrkConnections?: number;
  wrkThreads?: number;
  /** Concurrent abort/refuse client loops (default 2). */
  abortLoops?: number;
  force?: boolean;
}

export interface MakeCaptureSummary {
  file: string;
  cached: boolean;
  packets: number;
  droppedByKernel: number;
  wallSeconds: number;
  bytes: number;
  census: CaptureCensus;
  server?: { connections: number; requests: number };
  abortClients?: AbortClientStats;
}

// Mostly small answers, some spanning several segments (lo's MSS is ~65 KB).
export const WRK_SCRIPT = `local sizes = {2, 2, 100, 100, 600, 1500, 5000, 20000, 70000, 150000}
request = function() return wrk.format(nil, "/s/" .. sizes[math.random(#sizes)]) end
`;

export async function startServer(): Promise<{ port: number; stats(): Promise<{ connections: number; requests: number }>; stop(): void }> {
  const child = fork(new URL('./bench-http-server.js', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`bench http server exited with ${code}`)));
  });
  return {
    port,
    stats: () => new Promise((resolve) => { child.once('message', (m) => resolve(m as { connections: number; requests: number })); child.send('stats'); }),
    stop: () => child.kill('SIGTERM'),
  };
}

export async function makeCapture(opts: MakeCaptureOptions): Promise<MakeCaptureSummary> {
  const sidecar = `${opts.out}.json`;
  if (!opts.force && existsSync(opts.out)) {
    const have = scanPcap(opts.out).packets;
    if (have >= opts.packets) {
      const prev = existsSync(sidecar) ? (JSON.parse(readFileSync(sidecar, 'utf8')) as MakeCaptureSummary) : undefined;
      if (prev) return { ...prev, cached: true };
    }
  }
  mkdirSync(dirname(opts.out), { recursive: true });
  const partial = `${opts.out}.partial`;
  const script = join(tmpdir(), `tcplens-wrk-${process.pid}.lua`);
  writeFileSync(script, WRK_SCRIPT);
  const started = process.hrtime.bigint();
  const server = await startServer();
  const closedPort = await freePort();
  const cap = await startCapture({
    ports: [server.port, closedPort], file: partial, snaplen: opts.snaplen ?? 128,
    immediate: false, bufferKiB: 64 * 1024, maxPackets: opts.packets,
  });
  const wrk = spawn('wrk', [
    '-t', String(opts.wrkThreads ?? 2), '-c', String(opts.wrkConnections ?? 16), '-d', '3600s',
    '-H', 'Connection: close', '-s', script, `http://127.0.0.1:${server.port}/`,
  ], { stdio: 'ignore' });
  const aborts = startAbortClients({ httpPort: server.port, closedPort, loops: opts.abortLoops ?? 2 });
  const progress = setInterval(() => {
    const size = existsSync(partial) ? statSync(partial).size : 0;
    process.stderr.write(`make-capture: ${(size / 1e6).toFixed(1)} MB written\n`);
  }, 5000);
  let stats;
  try {
    stats = await cap.exited; // tcpdump -c stops by itself at N packets
  } finally {
    clearInterval(progress);
    wrk.kill('SIGINT');
    await cap.stop();
  }
  const abortClients = await aborts.stop();
  const serverStats = await server.stats();
  server.stop();
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  renameSync(partial, opts.out);
  const summary: MakeCaptureSummary = {
    file: opts.out, cached: false, packets: stats.packets, droppedByKernel: stats.droppedByKernel,
    wallSeconds, bytes: statSync(opts.out).size,
    census: captureCensus(opts.out, [server.port], closedPort),
    server: serverStats, abortClients,
  };
  writeFileSync(sidecar, JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      packets: { type: 'string' }, out: { type: 'string' }, snaplen: { type: 'string' },
      'wrk-connections': { type: 'string' }, 'abort-loops': { type: 'string' }, force: { type: 'boolean' },
    },
  });
  if (!values.packets || !values.out) {
    process.stderr.write('usage: make-capture --packets N --out FILE [--snaplen 128] [--wrk-connections 16] [--abort-loops 2] [--force]\n');
    process.exit(2);
  }
  const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
  const summary = await makeCapture({
    packets: Number(values.packets), out: values.out, snaplen: num(values.snaplen),
    wrkConnections: num(values['wrk-connections']), abortLoops: num(values['abort-loops']), force: values.force,
  });
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
}
