// Helpers for the live-capture tests: root check, a UDP burst sender, tcpdump as the reference.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** Why the capture tests cannot run here, or undefined. With CI=true they must run: throw instead. */
export function captureSkipReason(): string | undefined {
  const reason = process.getuid?.() === 0 ? undefined : 'live capture needs root (CAP_NET_RAW) to open lo';
  if (reason !== undefined && process.env.CI === 'true') throw new Error(`CI=true requires these tests: ${reason}`);
  return reason;
}

// Binds a receiver (reserves the port, so no ICMP unreachables), prints the port, waits for a line
// on stdin, sends n 16-byte datagrams (paced to pps when > 0), prints how many sendto() accepted.
const SENDER = `
import socket, sys, time
n, pps = int(sys.argv[1]), int(sys.argv[2])
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(('127.0.0.1', 0))
port = r.getsockname()[1]; print(port, flush=True)
sys.stdin.readline()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); addr = ('127.0.0.1', port); data = b'tcplens-burst-16'
sent = 0; t0 = time.monotonic()
if pps <= 0:
    for i in range(n):
        sent += s.sendto(data, addr) == 16
else:
    chunk = max(1, pps // 1000)
    while sent < n:
        for i in range(min(chunk, n - sent)):
            sent += s.sendto(data, addr) == 16
        delay = t0 + sent / pps - time.monotonic()
        if delay > 0: time.sleep(delay)
print(sent, time.monotonic() - t0, flush=True)
sys.stdin.readline()
`;

export interface UdpBurst {
  readonly port: number;
  /** Sends the burst; resolves with the datagrams sendto() accepted and the seconds it took. */
  send(): Promise<{ sent: number; seconds: number }>;
  close(): void;
}

export async function prepareUdpBurst(n: number, pps = 0): Promise<UdpBurst> {
  const child = spawn('python3', ['-c', SENDER, String(n), String(pps)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  const port = Number(first.value);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`sender did not report a port: ${String(first.value)}`);
  return {
    port,
    async send() {
      child.stdin!.write('go\n');
      const r = await lines.next();
      const [sent, seconds] = String(r.value).split(' ').map(Number);
      return { sent: sent!, seconds: seconds! };
    },
    close() {
      child.stdin!.end('\n');
    },
  };
}

export interface TcpdumpCounts {
  captured: number;
  receivedByFilter: number;
  droppedByKernel: number;
}

/** tcpdump -w /dev/null with the same filter and ring size; stop() returns its own counters. */
export async function startTcpdump(iface: string, filter: string, bufferKiB = 32768): Promise<{ stop(): Promise<TcpdumpCounts> }> {
  const child: ChildProcess = spawn('tcpdump', ['-i', iface, '-n', '-B', String(bufferKiB), '-w', '/dev/null', filter], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('listening on')) resolve();
    });
    child.once('exit', () => reject(new Error(`tcpdump exited early: ${stderr}`)));
  });
  return {
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      await exited;
      const num = (re: RegExp): number => Number(re.exec(stderr)?.[1] ?? NaN);
      return {
        captured: num(/(\d+) packets? captured/),
        receivedByFilter: num(/(\d+) packets? received by filter/),
        droppedByKernel: num(/(\d+) packets? dropped by kernel/),
      };
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until cond() or the deadline. */
export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(10);
  return cond();
}
