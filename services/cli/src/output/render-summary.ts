import type { Histogram } from './histogram.js';
import type { Summary } from './summary.js';

export interface InputReport {
  name: string;
  format: string;
  compressed: boolean;
  packets: number;
  tcpPackets: number;
  truncated: boolean;
  truncatedBytes: number;
}

export interface RunReport {
  inputs: InputReport[];
  seconds: number;
  decodeProblems: Record<string, number>;
  trackerWeirds: Record<string, number>;
  stored: { rows: number; where: string } | null;
}

const n = (v: number): string => v.toLocaleString('en-US');

function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
  );
}

function sorted(m: Map<string, number> | Record<string, number>): [string, number][] {
  const entries = m instanceof Map ? [...m.entries()] : Object.entries(m);
  return entries.filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function latencyRow(label: string, h: Histogram): string[] {
  const q = (x: number): string => {
    const v = h.quantile(x);
    return v === null ? '-' : n(v);
  };
  return [label, n(h.count), q(0.5), q(0.9), q(0.99), h.count ? n(h.max) : '-'];
}

export function renderSummary(s: Summary, run: RunReport): string {
  const out: string[] = [];
  const pkts = run.inputs.reduce((a, i) => a + i.packets, 0);
  const rate = run.seconds > 0 ? Math.round(pkts / run.seconds) : pkts;
  for (const i of run.inputs) {
    const fmt = `${i.format}${i.compressed ? ', gzip' : ''}`;
    out.push(`${i.name}: ${fmt}, ${n(i.packets)} packets, ${n(i.tcpPackets)} TCP`);
    if (i.truncated) out.push(`  warning: the capture is truncated (${n(i.truncatedBytes)} trailing bytes of an incomplete packet); everything before was analysed`);
  }
  out.push(`analysed in ${run.seconds.toFixed(2)} s (${n(rate)} packets/s)`, '');

  out.push(`Connections: ${n(s.connections)}`);
  out.push(...table([['by conn_state', ...sorted(s.byState).map(([k, v]) => `${k} ${n(v)}`)]]));
  out.push(...table([['how ended', ...sorted(s.byClose).map(([k, v]) => `${k} ${n(v)}`)]]), '');

  out.push('Handshake latency (µs)');
  out.push(
    ...table([
      ['', 'n', 'p50', 'p90', 'p99', 'max'],
      latencyRow('server leg  SYN → SYN/ACK', s.serverLeg),
      latencyRow('client leg  SYN/ACK → ACK', s.clientLeg),
      latencyRow('whole handshake', s.handshake),
    ]),
    '',
  );

  const resets = sorted(s.resets);
  out.push(`Abnormal teardowns (RST): ${n(resets.reduce((a, [, v]) => a + v, 0))}`);
  if (resets.length) {
    out.push(...table([['sent by', 'phase', 'connections'], ...resets.map(([k, v]) => [...k.split('|'), n(v)])]));
  }
  out.push(`Refused attempts (REJ): ${n(s.refused)}`, `Unanswered attempts (S0): ${n(s.unanswered)}`, '');

  const top = s.servers.top(10);
  if (top.length) {
    const resetsBy = new Map(s.serverResets.top(1000).map((e) => [e.key, e.count]));
    out.push('Top servers');
    out.push(...table([['server', 'connections', 'with RST'], ...top.map((e) => [e.key, n(e.count), n(resetsBy.get(e.key) ?? 0)])]), '');
  }

  const problems = sorted(run.decodeProblems);
  out.push(problems.length ? 'Decode problems' : 'Decode problems: none');
  if (problems.length) out.push(...table(problems.map(([k, v]) => [k, n(v)])));
  const weirds = sorted(run.trackerWeirds);
  if (weirds.length) out.push('Tracker anomalies', ...table(weirds.map(([k, v]) => [k, n(v)])));
  if (run.stored) out.push('', `Stored ${n(run.stored.rows)} connections in ${run.stored.where}`);
  return out.join('\n') + '\n';
}
