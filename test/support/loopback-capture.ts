/**
 * Captures loopback TCP traffic with tcpdump into a plain pcap file: the ground truth that the
 * end-to-end tests and benchmarks feed to tcplens and to tshark.
 *
 * Why the flags:
 * - `-U` writes every packet to the file as soon as tcpdump has it (no stdio buffering).
 * - `--immediate-mode` (default on) makes the kernel hand packets over at once; without it
 *   TPACKET_V3 delivers a ring block only when it is full or its timeout (1 s) expires, and the
 *   packets of a short test could still sit in the ring when we send SIGINT.
 * - the filter names the ports, because other tests may use loopback at the same time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface CaptureOptions {
  /** TCP ports to keep (either direction). Must not be empty: loopback is shared. */
  ports: readonly number[];
  file: string;
  iface?: 'lo';
  /** Bytes kept per packet; default 262144 (whole packets). 128 is plenty for TCP headers. */
  snaplen?: number;
  /** Default true. Turn off only for high-rate captures where tcpdump's CPU use matters. */
  immediate?: boolean;
  /** Kernel capture buffer in KiB (tcpdump -B); larger means fewer drops under load. */
  bufferKiB?: number;
  /** tcpdump -c: tcpdump stops by itself after this many packets (see `exited`). */
  maxPackets?: number;
  /** Timestamp precision of the file; default micro (classic pcap magic a1b2c3d4). */
  precision?: 'micro' | 'nano';
  /** Wait this long before SIGINT so the last packets reach tcpdump; default 150 ms. */
  settleMs?: number;
}

export interface CaptureStats {
  file: string;
  /** "N packets captured": packets written to the file. */
  packets: number;
  /** "N packets received by filter" (on lo the kernel may count each packet twice). */
  receivedByFilter: number;
  /**
   * "N packets dropped by kernel". 0 proves nothing was lost. Above 0, it may still be other
   * loopback traffic that filled the ring before the BPF filter was installed (seen with other
   * tests running): check the streams you care about before discarding the capture.
   */
  droppedByKernel: number;
}

export interface RunningCapture {
  readonly file: string;
  readonly pid: number;
  /** Stops tcpdump with SIGINT and returns its statistics. Safe to call after it exited. */
  stop(): Promise<CaptureStats>;
  /** Settles when tcpdump exits for any reason (with `maxPackets`, by itself). */
  readonly exited: Promise<CaptureStats>;
}

const READY_TIMEOUT_MS = 10_000;

// tcpdump outlives a crashed test unless someone stops it: stop every one still running on exit.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGINT');
});

export function captureFilter(ports: readonly number[]): string {
  if (ports.length === 0) throw new Error('startCapture: ports must not be empty (loopback is shared)');
  for (const p of ports) {
    if (!Number.isInteger(p) || p <= 0 || p > 65535) throw new Error(`startCapture: bad port ${p}`);
  }
  return `tcp and (${[...new Set(ports)].map((p) => `port ${p}`).join(' or ')})`;
}

export function tcpdumpArgs(opts: CaptureOptions): string[] {
  const args = ['-i', opts.iface ?? 'lo', '-n', '-U', '-w', opts.file, '-s', String(opts.snaplen ?? 262144)];
  if (opts.immediate ?? true) args.push('--immediate-mode');
  if (opts.bufferKiB !== undefined) args.push('-B', String(opts.bufferKiB));
  if (opts.maxPackets !== undefined) args.push('-c', String(opts.maxPackets));
  if (opts.precision === 'nano') args.push('--time-stamp-precision', 'nano');
  args.push(captureFilter(opts.ports));
  return args;
}

/** Reads tcpdump's closing statistics; throws when they are missing (tcpdump crashed). */
export function parseTcpdumpStats(stderr: string, file: string): CaptureStats {
  const num = (label: string): number => {
    const m = new RegExp(`(\\d+) packets? ${label}`).exec(stderr);
    if (!m?.[1]) throw new Error(`tcpdump printed no "${label}" line; stderr: ${stderr.trim()}`);
    return Number(m[1]);
  };
  return {
    file,
    packets: num('captured'),
    receivedByFilter: num('received by filter'),
    droppedByKernel: num('dropped by kernel'),
  };
}

/** Starts tcpdump and resolves once it prints "listening on", i.e. once it really captures. */
export async function startCapture(opts: CaptureOptions): Promise<RunningCapture> {
  const child = spawn('tcpdump', tcpdumpArgs(opts), { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stderr = '';
  child.stderr.setEncoding('utf8');
  const exited = new Promise<CaptureStats>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      try {
        resolve(parseTcpdumpStats(stderr, opts.file));
      } catch (e) {
        reject(new Error(`tcpdump exited with ${code ?? signal}: ${(e as Error).message}`));
      }
    });
  });
  exited.catch(() => {}); // observed by stop() or by the ready wait; avoid an unhandled rejection
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tcpdump not listening after ${READY_TIMEOUT_MS} ms: ${stderr.trim()}`));
    }, READY_TIMEOUT_MS);
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    exited.then(
      () => reject(new Error(`tcpdump exited before listening: ${stderr.trim()}`)),
      (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))),
    ).finally(() => clearTimeout(timer));
  });
  let stopping: Promise<CaptureStats> | undefined;
  return {
    file: opts.file,
    pid: child.pid ?? -1,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          await sleep(opts.settleMs ?? 150);
          child.kill('SIGINT');
        }
        return exited;
      })();
      return stopping;
    },
  };
}
