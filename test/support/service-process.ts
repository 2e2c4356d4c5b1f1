/**
 * A long-running `tcplens sensor` / `tcplens tracker` child: its pino log lines (JSON on stdout),
 * its /metrics endpoint (found in the "metrics endpoint" log line), and a clean stop by signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT, TCPLENS_BIN } from './tcplens-cli.js';

export interface LogLine {
  msg: string;
  [field: string]: unknown;
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Every JSON log line so far, in order. */
  readonly logs: LogLine[];
  /** stdout lines that are not JSON, and all of stderr. */
  readonly text: () => string;
  /** Resolves with the first log line (past or future) whose msg matches; rejects on exit or timeout. */
  waitForLog(msg: RegExp, timeoutMs?: number): Promise<LogLine>;
  /** The service's Prometheus samples now: `name{labels}` → value. */
  metrics(): Promise<Metrics>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

export class Metrics {
  constructor(readonly text: string) {}

  /** The value of `name` whose labels include every given one; NaN when there is none. */
  value(name: string, labels: Record<string, string> = {}): number {
    for (const line of this.text.split('\n')) {
      const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
      if (m === null || m[1] !== name) continue;
      const have = new Map([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(m[3]);
    }
    return NaN;
  }
}

export function startService(args: readonly string[]): ServiceProcess {
  const child = spawn(process.execPath, [TCPLENS_BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: LogLine[] = [];
  let other = '';
  let partial = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      try {
        logs.push(JSON.parse(l) as LogLine);
      } catch {
        other += l + '\n';
      }
    }
    for (const f of listeners) f();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (other += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let url: string | null = null;
  const self: ServiceProcess = {
    child,
    logs,
    text: () => other,
    exited,
    waitForLog(msg, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const hit = logs.find((l) => msg.test(l.msg));
          if (hit === undefined) return false;
          done();
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no log line matching ${msg} within ${timeoutMs} ms; logs:\n${tail(logs)}\n${other}`));
        }, timeoutMs);
        const onExit = (code: number | null): void => {
          if (check()) return;
          done();
          reject(new Error(`exited (${code}) before a log line matching ${msg}; logs:\n${tail(logs)}\n${other}`));
        };
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(listener);
          child.off('exit', onExit);
        };
        const listener = (): void => void check();
        if (check()) return;
        if (child.exitCode !== null || child.signalCode !== null) return onExit(child.exitCode);
        listeners.add(listener);
        child.once('exit', onExit);
      });
    },
    async metrics() {
      url ??= String((await self.waitForLog(/^metrics endpoint$/, 30_000))['metrics']);
      const res = await fetch(url);
      return new Metrics(await res.text());
    },
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  return self;
}

function tail(logs: readonly LogLine[], n = 15): string {
  return logs.slice(-n).map((l) => JSON.stringify(l)).join('\n');
}
