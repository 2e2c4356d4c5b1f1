/**
 * Engine-only throughput on a real capture (not a test):
 *   node --expose-gc dist/bench/capture-bench.js [capture.pcap] [runs] [--multi-sensor]
 * --multi-sensor: the tracker service's mode (multiSensor from the first packet: a dedup ring per
 * connection, so that another sensor's copies are recognised), with the same single-sensor input.
 * The capture is decoded once into columns (packet-columns.ts); each run times only the replay
 * through a fresh ConnectionTracker (process per packet, advance every 4096 packets as the CLI
 * does per batch, then flush). An empty replay (cursor loads only) is timed too, for reference.
 * Every record is built as the store writer receives it (the sink only counts them). Besides
 * wall time, each run reports the process CPU time (all threads, GC included): on a machine
 * shared with other work, wall time also counts time the process was not running.
 */
import { ConnectionTracker } from '../tracker.js';
import { loadColumns, ReplayCursor, type PacketColumns } from './packet-columns.js';

const file = process.argv[2] || new URL('../../../../.cache/bench-1000000.pcap', import.meta.url).pathname;
const runs = Number(process.argv[3] ?? 5);
const multiSensor = process.argv.includes('--multi-sensor');

function replay(c: PacketColumns, withEngine: boolean): { s: number; cpu: number; records: number } {
  const cur = new ReplayCursor();
  let records = 0;
  const tr = new ConnectionTracker({ multiSensor }, () => records++);
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < c.count; i++) {
    cur.load(c, i);
    if (withEngine) {
      tr.process(cur);
      if ((i & 4095) === 4095) tr.advance(cur.tsSec * 1_000_000 + Math.floor(cur.tsNsec / 1000));
    } else sink += cur.seq;
  }
  if (withEngine) tr.flush();
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  if (sink === -1) console.log(sink);
  return { s, cpu: (cpu.user + cpu.system) / 1e6, records };
}

const t0 = Date.now();
const cols = await loadColumns(file);
console.log(`${file}: ${cols.count} packets decoded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
const empty = replay(cols, false);
console.log(`replay only: ${(cols.count / empty.s / 1e6).toFixed(1)} M packets/s`);
const rates: number[] = [];
const cpuRates: number[] = [];
for (let r = 0; r < runs; r++) {
  globalThis.gc?.();
  const { s, cpu, records } = replay(cols, true);
  rates.push(cols.count / s / 1e6);
  cpuRates.push(cols.count / cpu / 1e6);
  console.log(`run ${r + 1}: ${s.toFixed(3)} s, ${(cols.count / s / 1e6).toFixed(2)} M packets/s, ` +
    `CPU ${cpu.toFixed(3)} s (${(cols.count / cpu / 1e6).toFixed(2)} M packets per CPU second), ${records} records`);
}
rates.sort((a, b) => a - b);
cpuRates.sort((a, b) => a - b);
console.log(`median ${(rates[rates.length >> 1] ?? 0).toFixed(2)} M packets/s, best ${(rates[rates.length - 1] ?? 0).toFixed(2)}; ` +
  `per CPU second: median ${(cpuRates[cpuRates.length >> 1] ?? 0).toFixed(2)} M, best ${(cpuRates[cpuRates.length - 1] ?? 0).toFixed(2)}`);
