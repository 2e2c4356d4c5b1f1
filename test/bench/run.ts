/**
 * `npm run bench`: tcplens against peer tools on the same real capture, as ratios.
 *   - decode only (file → wire records)      vs tcpdump -r FILE -w /dev/null   (target ≥ 1.0)
 *   - analyze --no-store                      vs argus -r FILE -w /dev/null     (target ≥ 10)
 *   - analyze with the embedded store: packets/s and peak RSS, 1M vs 5M packets (RSS must not grow)
 *   - the distributed path (sensor → Kafka → tracker → store): packets/s end to end vs analyze, and
 *     at 50k packets/s the time from a connection's last packet to its row being queryable
 * Captures are made once (real loopback traffic, test/bench/make-capture.ts) and cached in .cache/.
 * Ratios are peer time / tcplens time: above 1 means tcplens is faster.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCapture } from './make-capture.js';
import { scaleCapture } from './scale-capture.js';
import { timeArgus, timeTcpdump } from './peers.js';
import { bestOf, measureCommand } from './measure-command.js';
import { benchDistributed } from './distributed.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cache = join(root, '.cache');
mkdirSync(cache, { recursive: true });
const bin = join(root, 'services/cli/bin/tcplens.js');
const decodeOnly = fileURLToPath(new URL('./decode-only.js', import.meta.url));
const packets = Number(process.env['TCPLENS_BENCH_PACKETS'] ?? 1_000_000);

const f1 = join(cache, `bench-${packets}.pcap`);
const cap = await makeCapture({ packets, out: f1, snaplen: 128 });
const f5 = join(cache, `bench-${packets}x5.pcap`);
const cap5 = await scaleCapture(f1, 5, f5);
console.log(`capture: ${f1}: ${cap.packets} packets, ${cap.census ? JSON.stringify(cap.census) : ''}`);
console.log(`capture ×5: ${f5}: ${cap5.packets} packets\n`);

const rows: string[][] = [['measure', 'tcplens', 'peer', 'ratio (peer/tcplens)', 'target']];
const s = (x: number): string => `${x.toFixed(3)} s`;

// 1. decode only vs tcpdump
const td = await timeTcpdump(f1);
const dec = await bestOf(3, process.execPath, [decodeOnly, f1]);
rows.push(['decode only, wall', s(dec.wallSeconds), `tcpdump ${s(td.wallSeconds)}`, (td.wallSeconds / dec.wallSeconds).toFixed(2), '≥ 1.0']);

// 2. analyze --no-store vs argus (argus's wall clock ticks in whole seconds: CPU is shown too)
const ar = await timeArgus(f1);
// tcplens runs as a user runs it: the executable (its shebang passes node's flags).
const an = await bestOf(3, bin, ['analyze', '--no-store', f1]);
const anCpu = an.userSeconds + an.systemSeconds;
rows.push(['analyze --no-store, wall', s(an.wallSeconds), `argus ${s(ar.wallSeconds)}`, (ar.wallSeconds / an.wallSeconds).toFixed(2), '≥ 10']);
rows.push(['analyze --no-store, CPU', s(anCpu), `argus ${s(ar.cpuSeconds)}`, (ar.cpuSeconds / anCpu).toFixed(2), '']);
rows.push(['analyze --no-store, packets/s', String(Math.round(packets / an.wallSeconds)), '', '', '']);

// 3. the lifecycle engine alone (packets pre-decoded into columns), and memory per open connection
const lc = join(root, 'packages/lifecycle/dist/bench');
const eng = await measureCommand(process.execPath, ['--expose-gc', join(lc, 'capture-bench.js'), f1, '5']);
const engMedian = /median ([\d.]+) M packets\/s/.exec(eng.stdout)?.[1] ?? '?';
rows.push(['lifecycle engine alone, packets/s/core', `${engMedian} M`, '', '', '≥ 3 M']);
const mem = await measureCommand(process.execPath, ['--expose-gc', join(lc, 'memory-bench.js'), '1000000']);
const perConn = /: (\d+) bytes each/.exec(mem.stdout)?.[1] ?? '?';
rows.push(['bytes per open connection (1M open)', perConn, '', '', '≤ 300']);

// 4. full analyze with the embedded store, 1M vs 5M
const full: { file: string; n: number }[] = [{ file: f1, n: cap.packets }, { file: f5, n: cap5.packets }];
const rss: number[] = [];
for (const { file, n } of full) {
  const data = join(cache, 'bench-store');
  rmSync(data, { recursive: true, force: true });
  const m = await measureCommand(bin, ['analyze', '--data', data, file]);
  rmSync(data, { recursive: true, force: true });
  rss.push(m.maxRssKiB);
  rows.push([`analyze + store, ${n} packets`, `${Math.round(n / m.wallSeconds)} packets/s`, '', '', '']);
  rows.push([`analyze + store, ${n} packets, peak RSS`, `${(m.maxRssKiB / 1024).toFixed(0)} MiB`, '', '', '']);
}
rows.push(['peak RSS 5× file / 1× file', (rss[1]! / rss[0]!).toFixed(2), '', '', '≈ 1 (no growth)']);

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());

// 5. SQL rollups and the alerter (issue 5): 10M generated connections in the embedded store, rollup
// queries against the same questions on the raw table, and the alerter's evaluation cycle.
const alerterRows = process.env['TCPLENS_BENCH_ALERTER_ROWS'] ?? '10000000';
console.log(`\nrollups and alerter over ${alerterRows} stored connections (services/alerter/dist/bench.js):`);
const al = await measureCommand(process.execPath, [join(root, 'services/alerter/dist/bench.js'), alerterRows]);
console.log(al.stdout.trimEnd());

// 6. The distributed path (issue 4): sensor → Kafka → tracker → embedded store on the 1M capture.
await benchDistributed(f1, cap.packets);
