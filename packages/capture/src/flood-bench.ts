// Loopback flood: does the binding (with the TCP decoder walking every record) keep up, against
// tcpdump -w /dev/null on the same flood? tcpreplay replays a pcap of 60-byte UDP frames on lo,
// at top speed or paced. Run as root:
//   node packages/capture/dist/flood-bench.js [packets=2000000] [pps...=0 (top speed)]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createDecodeStats, MutableTcpPacket } from '@tcplens/packet';
import { decodeBatch } from './batch.js';
import { LiveCapture } from './live-capture.js';
import { sleep, startTcpdump, waitFor } from './test-support.js';
import { writeUdpPcap } from './udp-pcap.js';

const n = Number(process.argv[2] ?? 2_000_000);
const rates = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [0];
const PORT = 47999;
const FILE = '/tmp/tcplens-flood.pcap';
const PER_FILE = 100_000;
writeUdpPcap(FILE, PER_FILE, PORT);
const filter = `udp and dst port ${PORT}`;

/** Replays n frames (asynchronously: the event loop must keep running); returns what tcpreplay says. */
async function flood(pps: number): Promise<{ sent: number; rate: number }> {
  const speed = pps > 0 ? [`--pps=${pps}`] : ['--topspeed'];
  const r = await promisify(execFile)('tcpreplay', ['-i', 'lo', '-K', ...speed, `--loop=${Math.ceil(n / PER_FILE)}`, FILE], { encoding: 'utf8' });
  const sent = Number(/Actual: (\d+) packets/.exec(r.stdout)?.[1] ?? NaN);
  const rate = Number(/([\d.]+) pps/.exec(r.stdout)?.[1] ?? NaN);
  return { sent, rate: Math.round(rate) };
}

async function binding(pps: number): Promise<string> {
  const capture = new LiveCapture('lo', { filter });
  const stats = createDecodeStats();
  const out = new MutableTcpPacket();
  let first = 0;
  let last = 0;
  capture.start((b) => {
    if (first === 0) first = performance.now();
    decodeBatch(b, out, stats, () => {});
    last = performance.now();
  });
  const cpu0 = process.cpuUsage();
  const { sent, rate } = await flood(pps);
  await waitFor(() => capture.stats().delivered + capture.stats().dropped >= sent, 30_000);
  await sleep(300);
  const s = await capture.stop();
  const cpu = process.cpuUsage(cpu0);
  return `binding  @ ${rate} pkt/s sent ${sent}: delivered ${s.delivered}, kernel drops ${s.dropped}, decoded ${stats.packets}; ` +
    `first→last batch ${Math.round(last - first)} ms; node CPU ${Math.round((cpu.user + cpu.system) / 1000)} ms`;
}

async function tcpdump(pps: number): Promise<string> {
  const td = await startTcpdump('lo', filter);
  const { sent, rate } = await flood(pps);
  await sleep(1500);
  const c = await td.stop();
  return `tcpdump  @ ${rate} pkt/s sent ${sent}: captured ${c.captured}, kernel drops ${c.droppedByKernel}`;
}

for (const pps of rates) {
  console.log(await binding(pps));
  console.log(await tcpdump(pps));
}
