/**
 * Test tooling for the burst proof: loopback services that answer or reset on request, a client
 * that drives them at a steady rate, and a tcpdump capture of their ports. Self-contained (node:net
 * and tcpdump) so the alerter's test does not reach into another package's sources.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';

export interface Service {
  readonly port: number;
  close(): Promise<void>;
}

/** A server that answers "G" with "OK" and a FIN, and "R" with a RST (resetAndDestroy). */
export async function service(): Promise<Service> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.once('data', (d) => (d.toString() === 'R' ? s.resetAndDestroy() : s.end('OK')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** One connection: request, then the server's answer (FIN) or its RST; resolves when closed. */
export function connection(port: number, reset: boolean): Promise<void> {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port }, () => c.write(reset ? 'R' : 'G'));
    c.on('error', () => {});
    c.on('data', () => {});
    c.on('end', () => c.end());
    c.on('close', () => resolve());
    c.setTimeout(5000, () => c.destroy());
  });
}

/**
 * Opens `perSecond` connections per second to `port` for `seconds`; connection i resets when
 * reset(i) says so. Resolves when the last one closed; returns the wall-clock start (ms).
 */
export async function drive(port: number, perSecond: number, seconds: number, reset: (i: number) => boolean): Promise<number> {
  const start = Date.now();
  const pending: Promise<void>[] = [];
  const total = Math.round(perSecond * seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(connection(port, reset(i)));
  }
  await Promise.all(pending);
  return start;
}

export interface Capture {
  stop(): Promise<string>;
}

/** tcpdump on lo for the given ports into `file`; resolves once tcpdump listens. */
export async function capture(file: string, ports: readonly number[]): Promise<Capture> {
  const filter = `tcp and (${ports.map((p) => `port ${p}`).join(' or ')})`;
  const p = spawn('tcpdump', ['-i', 'lo', '-w', file, '-U', '--immediate-mode', '-s', '256', '-B', '32768', filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    p.stderr.on('data', (d) => {
      stderr += String(d);
      if (stderr.includes('listening on')) resolve();
    });
    p.once('exit', (code) => reject(new Error(`tcpdump exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  return {
    async stop() {
      await new Promise((r) => setTimeout(r, 1000)); // let the last packets reach the file
      p.kill('SIGINT');
      await exited;
      return stderr;
    },
  };
}
