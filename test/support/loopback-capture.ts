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
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { freeUdpPort } from './loopback-server.js';

export interface CaptureOptions {
  /** TCP ports to keep (either direction). Must not be empty: loopback is shared. */
  ports: readonly number[];
  file: string;
  iface?: 'lo';
  /**
   * Bytes kept per packet; default 512 (headers; payload lengths come from the IP header). Not
   * 262144: libpcap sizes each ring slot by the snap length, so a 2 MiB ring would hold only 8
   * packets and the kernel drops under the slightest scheduling delay (seen: 28 of 109 dropped).
   */
  snaplen?: number;
  /** Default true. Turn off only for high-rate captures where tcpdump's CPU use matters. */
  immediate?: boolean;
  /** Kernel capture buffer in KiB (tcpdump -B; default 32768); larger means fewer drops under load. */
  bufferKiB?: number;
  /** tcpdump -c: tcpdump stops by itself after this many packets (see `exited`). */
  maxPackets?: number;
  /** Timestamp precision of the file; default micro (classic pcap magic a1b2c3d4). */
  precision?: 'micro' | 'nano';
  /** Wait this long before SIGINT so the last packets reach tcpdump; default 150 ms. */
  settleMs?: number;
  /**
   * Before stopping, send UDP datagrams to this port until tcpdump has written one: packets reach the
   * file in order, so everything before it is in the file too. tcpdump's SIGINT otherwise loses what
   * still sits in libpcap's ring (seen: the last connection of a test missing). Set by startCapture
   * unless `maxPackets` is given (the probe would count towards -c).
   */
  flushPort?: number;
  /** Default true (when maxPackets is not given): pick a free UDP port for the flush probe. */
  flushProbe?: boolean;
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

function filterFor(opts: CaptureOptions): string {
  const tcp = captureFilter(opts.ports);
  return opts.flushPort === undefined ? tcp : `(${tcp}) or (udp and dst port ${opts.flushPort})`;
}

export function tcpdumpArgs(opts: CaptureOptions): string[] {
  const args = ['-i', opts.iface ?? 'lo', '-n', '-U', '-w', opts.file, '-s', String(opts.snaplen ?? 512)];
  if (opts.immediate ?? true) args.push('--immediate-mode');
  args.push('-B', String(opts.bufferKiB ?? 32768));
  if (opts.maxPackets !== undefined) args.push('-c', String(opts.maxPackets));
  if (opts.precision === 'nano') args.push('--time-stamp-precision', 'nano');
  args.push(filterFor(opts));
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
export async function startCapture(options: CaptureOptions): Promise<RunningCapture> {
  const probe = options.maxPackets === undefined && options.flushPort === undefined && options.flushProbe !== false;
  const opts = probe ? { ...options, flushPort: await freeUdpPort() } : options;
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
        // "listening on" comes before libpcap has flushed what its ring caught ahead of the filter;
        // a short pause keeps the first connection of a test out of that window (seen: the first
        // connection's third packet onwards missing under other loopback load).
        setTimeout(resolve, 250);
      }
    });
    exited.then(
      () => reject(new Error(`tcpdump exited before listening: ${stderr.trim()}`)),
      (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))),
    ).finally(() => clearTimeout(timer));
  });
  let stopping: Promise<CaptureStats> | undefined;
  let mark: Buffer | undefined;
  return {
    file: opts.file,
    pid: child.pid ?? -1,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          if (opts.flushPort !== undefined) mark = await flushThrough(opts.file, opts.flushPort);
          else await sleep(opts.settleMs ?? 150);
          child.kill('SIGINT');
        }
        const stats = await exited;
        if (mark === undefined) return stats;
        // The probe datagrams are not the test's traffic: report TCP packets only.
        const probes = occurrences(readFileSync(opts.file), mark);
        return { ...stats, packets: stats.packets - probes, receivedByFilter: stats.receivedByFilter - 2 * probes };
      })();
      return stopping;
    },
  };
}

/** Sends marked UDP datagrams to `port` until one of them is in `file` (at most 5 s); returns the mark. */
async function flushThrough(file: string, port: number): Promise<Buffer> {
  const mark = Buffer.from(`tcplens-flush-${randomBytes(8).toString('hex')}`);
  const sock = createSocket('udp4');
  try {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      await new Promise<void>((resolve, reject) => sock.send(mark, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
      await sleep(25);
      if (readFileSync(file).includes(mark)) return mark;
    }
    throw new Error(`tcpdump did not write the flush probe to ${file} within 5 s`);
  } finally {
    sock.close();
  }
}

function occurrences(hay: Buffer, needle: Buffer): number {
  let n = 0;
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + needle.length)) n++;
  return n;
}
