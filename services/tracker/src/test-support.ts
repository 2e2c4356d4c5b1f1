/** Helpers for this package's integration tests (not exported). */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Store } from '@tcplens/store';

const exec = promisify(execFile);
export const SENSOR_BIN = fileURLToPath(new URL('../../sensor/bin/tcplens-sensor.js', import.meta.url));
export const TRACKER_BIN = fileURLToPath(new URL('../bin/tcplens-tracker.js', import.meta.url));
export const CLI_BIN = fileURLToPath(new URL('../../cli/bin/tcplens.js', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export function uniqueTopic(what: string): string {
  return `test-${what}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Fields compared between `tcplens analyze` and the distributed path. */
export const COMPARED = [
  'uid', 'conn_state', 'history', 'orig_pkts', 'resp_pkts', 'orig_bytes', 'resp_bytes', 'orig_ip_bytes', 'resp_ip_bytes',
  'handshake_us', 'syn_to_synack_us', 'synack_to_ack_us', 'teardown_us', 'close_kind', 'rst_by', 'sensor_id', 'duration',
] as const;

/** `tcplens analyze --no-store --format json FILE` records, by uid, reduced to COMPARED. */
export async function analyzeRecords(file: string, sensorId: string): Promise<Map<string, Record<string, unknown>>> {
  const { stdout } = await exec(process.execPath, [CLI_BIN, 'analyze', '--no-store', '--format', 'json', '--sensor-id', sensorId, file], { maxBuffer: 1 << 30 });
  const out = new Map<string, Record<string, unknown>>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const r = JSON.parse(line) as Record<string, unknown>;
    out.set(r['uid'] as string, pick(r));
  }
  return out;
}

export function pick(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(COMPARED.map((k) => [k, r[k] ?? null]));
}

/** Runs the sensor binary to completion (stdin from `stdinFile` if given); rejects on a non-zero exit. */
export async function runSensorBin(args: string[], stdinFile?: string): Promise<{ stdout: string; stderr: string }> {
  const run = exec(process.execPath, [SENSOR_BIN, ...args], { maxBuffer: 1 << 28, timeout: 300_000 });
  if (stdinFile !== undefined) createReadStream(stdinFile).pipe(run.child.stdin!);
  else run.child.stdin?.end();
  return run;
}

/**
 * What the store holds under FINAL: every row's COMPARED fields by uid (duration as null: a float
 * column, compared by the tests that need it), the row count and the distinct uids.
 */
export async function storedRecords(store: Store): Promise<{ rows: Map<string, Record<string, unknown>>; total: number; distinct: number }> {
  const q = await store.query(`SELECT ${COMPARED.filter((c) => c !== 'duration').join(', ')} FROM ${store.table} FINAL`);
  const c = await store.query(`SELECT count() AS n, count(DISTINCT uid) AS d FROM ${store.table} FINAL`);
  const rows = new Map<string, Record<string, unknown>>();
  for (const r of q.rows) rows.set(r['uid'] as string, { ...pick(r), duration: null });
  return { rows, total: Number(c.rows[0]!['n']), distinct: Number(c.rows[0]!['d']) };
}

/** Records (from analyzeRecords) as storedRecords gives them: duration left out. */
export function withoutDuration(m: Map<string, Record<string, unknown>>): Map<string, Record<string, unknown>> {
  return new Map([...m].map(([k, v]) => [k, { ...v, duration: null }]));
}
