/**
 * Makes a capture K times larger from an existing one, for "memory must not grow with file size":
 *   node test/dist/bench/scale-capture.js --in .cache/bench-1m.pcap --multiply 5 --out .cache/bench-5m.pcap
 * Copy k is shifted by k * (input duration + 1 h) with `editcap -t`, then the copies are
 * concatenated in order with `mergecap -a`. The same 4-tuples recur in every copy, but an hour
 * apart, so a tracker with any sane idle timeout sees new connections (the same happens inside
 * one capture anyway: loopback reuses ephemeral ports within seconds). The input's last
 * connections are cut mid-way (tcpdump -c); each copy repeats that, as a live sensor would see.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runCommand } from '../support/run-command.js';
import { scanPcap } from './pcap-scan.js';

export interface ScaleCaptureSummary {
  file: string;
  cached: boolean;
  packets: number;
  bytes: number;
  copies: number;
  shiftSeconds: number;
  wallSeconds: number;
}

const GAP_SECONDS = 3600;

export async function scaleCapture(input: string, multiply: number, out: string, force = false): Promise<ScaleCaptureSummary> {
  if (!Number.isInteger(multiply) || multiply < 1) throw new Error(`--multiply must be a positive integer, not ${multiply}`);
  const src = scanPcap(input);
  const want = src.packets * multiply;
  const started = process.hrtime.bigint();
  const shiftSeconds = Math.ceil((src.lastTsUs - src.firstTsUs) / 1e6) + GAP_SECONDS;
  const result = (cached: boolean): ScaleCaptureSummary => ({
    file: out, cached, packets: want, bytes: statSync(out).size, copies: multiply, shiftSeconds,
    wallSeconds: Number(process.hrtime.bigint() - started) / 1e9,
  });
  if (!force && existsSync(out) && scanPcap(out).packets >= want) return result(true);
  const parts: string[] = [input];
  try {
    for (let k = 1; k < multiply; k++) {
      const part = `${out}.part${k}`;
      parts.push(part);
      await runCommand('editcap', ['-F', 'pcap', '-t', String(k * shiftSeconds), input, part]);
    }
    const partial = `${out}.partial`;
    await runCommand('mergecap', ['-F', 'pcap', '-a', '-w', partial, ...parts]);
    const got = scanPcap(partial).packets;
    if (got !== want) throw new Error(`scale-capture: ${partial} has ${got} packets, expected ${want}`);
    rmSync(out, { force: true });
    renameSync(partial, out);
  } finally {
    for (const p of parts.slice(1)) rmSync(p, { force: true });
  }
  return result(false);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { in: { type: 'string' }, multiply: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } },
  });
  if (!values.in || !values.multiply || !values.out) {
    process.stderr.write('usage: scale-capture --in FILE --multiply K --out FILE [--force]\n');
    process.exit(2);
  }
  const summary = await scaleCapture(values.in, Number(values.multiply), values.out, values.force);
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
}
