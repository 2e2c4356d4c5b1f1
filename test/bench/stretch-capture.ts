/**
 * Makes a copy of a classic pcap whose packet times are stretched around its first packet so that
 * it averages `rate` packets per second: the same packets in the same order, every gap multiplied
 * by (packets / duration) / rate. Replayed at `rate`, its packet time then runs at the wall clock's
 * pace, as a live sensor's does; replaying the unstretched capture slower than it was recorded
 * would stretch every event-time wait (idle timeouts, close quiet time, heartbeats) instead.
 *   node test/dist/bench/stretch-capture.js --in FILE --rate 50000 --out FILE
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { scanPcap } from './pcap-scan.js';

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

export interface StretchSummary {
  file: string;
  cached: boolean;
  packets: number;
  factor: number;
  durationSeconds: number;
}

export function stretchCapture(input: string, rate: number, out: string, force = false): StretchSummary {
  const src = scanPcap(input);
  const duration = (src.lastTsUs - src.firstTsUs) / 1e6;
  if (!(duration > 0) || src.packets < 2) throw new Error(`${input}: needs at least two packets over a positive duration`);
  const factor = src.packets / duration / rate;
  const summary = (cached: boolean): StretchSummary => ({ file: out, cached, packets: src.packets, factor, durationSeconds: duration * factor });
  if (!force && existsSync(out)) {
    const have = scanPcap(out);
    if (have.packets === src.packets && Math.abs((have.lastTsUs - have.firstTsUs) / 1e6 - duration * factor) < 0.01) return summary(true);
  }
  const buf = readFileSync(input);
  const magic = buf.readUInt32LE(0);
  if (magic !== MAGIC_US && magic !== MAGIC_NS) throw new Error(`${input}: not a little-endian classic pcap`);
  const unit = magic === MAGIC_NS ? 1e9 : 1e6;
  let at = 24;
  let sec0 = -1;
  let frac0 = 0;
  while (at + 16 <= buf.length) {
    const sec = buf.readUInt32LE(at);
    const frac = buf.readUInt32LE(at + 4);
    const caplen = buf.readUInt32LE(at + 8);
    if (sec0 < 0) {
      sec0 = sec;
      frac0 = frac;
    }
    // Offsets from the first packet stay far below 2^53 in either unit.
    const off = Math.round(((sec - sec0) * unit + (frac - frac0)) * factor) + frac0;
    if (off < 0) throw new Error(`${input}: packet at byte ${at} is older than the first packet; stretching needs time order`);
    buf.writeUInt32LE(sec0 + Math.floor(off / unit), at);
    buf.writeUInt32LE(off % unit, at + 4);
    at += 16 + caplen;
  }
  writeFileSync(`${out}.partial`, buf);
  renameSync(`${out}.partial`, out);
  return summary(false);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { in: { type: 'string' }, rate: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } } });
  if (!values.in || !values.rate || !values.out) {
    process.stderr.write('usage: stretch-capture --in FILE --rate PPS --out FILE [--force]\n');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(stretchCapture(values.in, Number(values.rate), values.out, values.force), null, 2) + '\n');
}
