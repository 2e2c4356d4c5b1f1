/**
 * Real loopback TCP traffic for a while, for a live capture to watch (deploy/demo.sh runs
 * `tcplens run -i lo` meanwhile):
 *   node test/dist/bench/make-traffic.js --seconds 10 [--wrk-connections 4]
 * The same mix as the bench capture (make-capture.ts), without tcpdump: wrk against a local Node
 * HTTP server with short connections (Connection: close), clients that abort with SO_LINGER 0
 * (RST), connects to a closed port (refused). Prints what it did as JSON.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../support/loopback-server.js';
import { startAbortClients } from './abort-clients.js';
import { startServer, WRK_SCRIPT } from './make-capture.js';

export async function makeTraffic(o: { seconds: number; wrkConnections?: number }): Promise<Record<string, unknown>> {
  const script = join(tmpdir(), `tcplens-wrk-${process.pid}.lua`);
  writeFileSync(script, WRK_SCRIPT);
  const server = await startServer();
  const closedPort = await freePort();
  const wrk = spawn('wrk', ['-t', '1', '-c', String(o.wrkConnections ?? 4), '-d', `${o.seconds}s`,
    '-H', 'Connection: close', '-s', script, `http://127.0.0.1:${server.port}/`], { stdio: 'ignore' });
  const aborts = startAbortClients({ httpPort: server.port, closedPort, loops: 1 });
  const wrkExit = new Promise<number | null>((resolve, reject) => {
    wrk.on('error', (e) => reject(new Error(`cannot run wrk (deploy/install.sh installs it): ${e.message}`)));
    wrk.on('exit', (c) => resolve(c));
  });
  let code: number | null = null;
  let abortClients: Awaited<ReturnType<typeof aborts.stop>>;
  let stats: Awaited<ReturnType<typeof server.stats>>;
  try {
    code = await wrkExit;
  } finally {
    abortClients = await aborts.stop();
    stats = await server.stats();
    server.stop();
    rmSync(script, { force: true });
  }
  if (code !== 0) throw new Error(`wrk exited with ${code}`);
  return { seconds: o.seconds, httpPort: server.port, closedPort, server: stats, abortClients };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, 'wrk-connections': { type: 'string' } } });
  const seconds = Number(values.seconds ?? 10);
  if (!(seconds > 0)) {
    process.stderr.write('usage: make-traffic [--seconds S] [--wrk-connections N]\n');
    process.exit(2);
  }
  const wrkConnections = values['wrk-connections'] === undefined ? undefined : Number(values['wrk-connections']);
  process.stdout.write(JSON.stringify(await makeTraffic({ seconds, wrkConnections })) + '\n');
}
