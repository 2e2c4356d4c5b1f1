/**
 * Wall time and peak RSS of one external command. Peak RSS comes from GNU time (`/usr/bin/time
 * -v`, Debian package "time"), which reads the child's rusage from wait4(): exact, no polling.
 * Its report goes to a temp file (-o) so the command's own stderr stays clean.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../support/run-command.js';

export const GNU_TIME = '/usr/bin/time';

export interface Measurement {
  command: string;
  wallSeconds: number;
  /** "Maximum resident set size (kbytes)" of the command (the largest process if it forks). */
  maxRssKiB: number;
  userSeconds: number;
  systemSeconds: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Reads one "Label: value" line of GNU time's -v report. */
export function timeField(report: string, label: string): number {
  const line = report.split('\n').find((l) => l.trim().startsWith(`${label}:`));
  const value = line?.slice(line.lastIndexOf(':') + 1).trim();
  if (value === undefined || value === '' || Number.isNaN(Number(value))) {
    throw new Error(`GNU time report has no numeric "${label}"`);
  }
  return Number(value);
}

export async function measureCommand(cmd: string, args: readonly string[], opts: { check?: boolean } = {}): Promise<Measurement> {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} not found: apt-get install time`);
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-measure-'));
  const report = join(dir, 'time.txt');
  try {
    const t0 = process.hrtime.bigint();
    const r = await runCommand(GNU_TIME, ['-v', '-o', report, cmd, ...args], { check: false });
    const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const text = readFileSync(report, 'utf8');
    const exitCode = r.code ?? -1;
    if ((opts.check ?? true) && exitCode !== 0) {
      throw new Error(`${cmd} ${args.join(' ')} exited with ${exitCode}: ${r.stderr.trim()}`);
    }
    return {
      command: [cmd, ...args].join(' '),
      wallSeconds,
      maxRssKiB: timeField(text, 'Maximum resident set size (kbytes)'),
      userSeconds: timeField(text, 'User time (seconds)'),
      systemSeconds: timeField(text, 'System time (seconds)'),
      exitCode,
      stdout: r.stdout,
      stderr: r.stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the command `runs` times and keeps the fastest run (least disturbed by the machine). */
export async function bestOf(runs: number, cmd: string, args: readonly string[]): Promise<Measurement & { allWallSeconds: number[] }> {
  let best: Measurement | undefined;
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const m = await measureCommand(cmd, args);
    all.push(m.wallSeconds);
    if (!best || m.wallSeconds < best.wallSeconds) best = m;
  }
  if (!best) throw new Error('bestOf: runs must be >= 1');
  return { ...best, allWallSeconds: all };
}
