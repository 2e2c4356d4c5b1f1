/**
 * Background clients that make the connections wrk never makes: aborted ones (request, part of
 * the answer, then SO_LINGER 0 close -> RST from the client) and refused ones (SYN to a closed
 * port -> RST+ACK from the kernel). Half of them go over ::1 so the capture has IPv6 too.
 */
import * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface AbortClientStats {
  resets: number;
  refused: number;
  errors: number;
}

export interface AbortClients {
  stop(): Promise<AbortClientStats>;
}

export interface AbortClientOptions {
  httpPort: number;
  closedPort: number;
  /** Concurrent loops; each makes one connection at a time. */
  loops: number;
  /** Every how many connections of a loop one is refused instead of reset (default 3). */
  refusedEvery?: number;
  /** Pause between two connections of a loop, ms (default 1): keeps RST a minority. */
  pauseMs?: number;
}

function oneReset(host: string, port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => s.write(`GET ${path} HTTP/1.1\r\nHost: bench\r\n\r\n`));
    s.once('data', () => {
      s.resetAndDestroy(); // answer (partly) read: abort now -> RST from the client
      resolve();
    });
    s.once('error', reject);
  });
}

function oneRefused(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      reject(new Error(`closed port ${port} accepted a connection`));
    });
    s.once('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? resolve() : reject(e)));
  });
}

export function startAbortClients(opts: AbortClientOptions): AbortClients {
  const stats: AbortClientStats = { resets: 0, refused: 0, errors: 0 };
  let running = true;
  const every = opts.refusedEvery ?? 3;
  const loop = async (id: number): Promise<void> => {
    for (let i = 0; running; i++) {
      const host = (i + id) % 2 === 0 ? '127.0.0.1' : '::1';
      try {
        if (i % every === every - 1) {
          await oneRefused(host, opts.closedPort);
          stats.refused++;
        } else {
          await oneReset(host, opts.httpPort, i % 4 === 0 ? '/s/200000' : '/s/100');
          stats.resets++;
        }
      } catch {
        stats.errors++;
      }
      await sleep(opts.pauseMs ?? 1);
    }
  };
  const loops = Array.from({ length: opts.loops }, (_, id) => loop(id));
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return stats;
    },
  };
}
