/**
 * The peer tools tcplens is compared with, timed on the same file:
 * - tcpdump -r FILE -w /dev/null: the floor (read + libpcap, no per-connection work);
 * - argus -r FILE -w /dev/null: a flow tracker (Argus 3.0.8: -r reads, -w writes records).
 * Each returns the best of 3 wall times and the packet count that tool accounted for, so a tool
 * that silently read only part of the file shows up.
 *   node test/dist/bench/peers.js FILE
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../support/run-command.js';
import { bestOf } from './measure-command.js';

export interface PeerTiming {
  tool: 'tcpdump' | 'argus';
  command: string;
  /** Best of `runs` wall-clock seconds. */
  wallSeconds: number;
  allWallSeconds: number[];
  /** user + system CPU of the best run. Compare argus by this: its wall time moves in whole
   * seconds (1.0 s for 68 packets, 1.0 s for 1M, 3.0 s for 5M: its output loop ticks once a second). */
  cpuSeconds: number;
  maxRssKiB: number;
  /** Packets the tool itself reports for the file. */
  packets: number;
  /** Argus only: flow records written (management records excluded). */
  flows?: number;
}

const RUNS = 3;

export async function timeTcpdump(file: string, runs = RUNS): Promise<PeerTiming> {
  const m = await bestOf(runs, 'tcpdump', ['-r', file, '-w', '/dev/null']);
  const count = await runCommand('tcpdump', ['-r', file, '--count']);
  const match = /^(\d+) packets?/m.exec(count.stdout);
  if (!match?.[1]) throw new Error(`tcpdump --count printed no count: ${count.stdout}`);
  return { tool: 'tcpdump', command: m.command, wallSeconds: m.wallSeconds, allWallSeconds: m.allWallSeconds,
      cpuSeconds: Math.round((m.userSeconds + m.systemSeconds) * 1000) / 1000, maxRssKiB: m.maxRssKiB, packets: Number(match[1]),
  };
}

/** Sums `ra -s pkts` output (one TotPkts value per line under a header): packets and flows. */
export function parseRaPackets(out: string): { flows: number; packets: number } {
  let flows = 0;
  let packets = 0;
  for (const line of out.split('\n')) {
    const v = line.trim();
    if (!/^\d+$/.test(v)) continue; // header "TotPkts" and blank lines
    flows++;
    packets += Number(v);
  }
  return { flows, packets };
}

export async function timeArgus(file: string, runs = RUNS): Promise<PeerTiming> {
  const m = await bestOf(runs, 'argus', ['-r', file, '-w', '/dev/null']);
  // One more run into a real file, to check that argus processed every packet.
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-argus-'));
  try {
    const out = join(dir, 'out.argus');
    await runCommand('argus', ['-r', file, '-w', out]);
    // Flow records only ('tcp' leaves out argus's own STA/STP management records).
    const ra = parseRaPackets((await runCommand('ra', ['-r', out, '-n', '-s', 'pkts', '-', 'tcp'])).stdout);
    return {
      tool: 'argus', command: m.command, wallSeconds: m.wallSeconds, allWallSeconds: m.allWallSeconds,
      cpuSeconds: Math.round((m.userSeconds + m.systemSeconds) * 1000) / 1000,
      maxRssKiB: m.maxRssKiB, packets: ra.packets, flows: ra.flows,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: peers FILE\n');
    process.exit(2);
  }
  for (const t of [await timeTcpdump(file), await timeArgus(file)]) process.stdout.write(JSON.stringify(t) + '\n');
}
