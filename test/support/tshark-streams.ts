/**
 * tshark's view of a capture, one summary per TCP stream: the independent reference the e2e
 * tests compare tcplens with. Checked against TShark 4.0.17 (Debian 12): the fields
 * tcp.completeness (FT_UINT8) and tcp.analysis.initial_rtt (FT_RELATIVE_TIME) exist there.
 *
 * tcp.completeness bits (Wireshark's "Conversation completeness"):
 *   1 SYN, 2 SYN-ACK, 4 ACK, 8 DATA, 16 FIN, 32 RST   (a RST+ACK also sets ACK)
 * Two passes (-2) so every packet carries the stream's final completeness.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const COMPLETENESS = { SYN: 1, SYNACK: 2, ACK: 4, DATA: 8, FIN: 16, RST: 32 } as const;
/** tcp.flags bits, the same as the TCP header's flag byte. */
export const TSHARK_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20 } as const;

const FIELDS = [
  'tcp.stream', 'frame.time_epoch', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst',
  'tcp.dstport', 'tcp.flags', 'tcp.len', 'tcp.analysis.initial_rtt', 'tcp.completeness',
] as const;

export type StreamSide = 'orig' | 'resp';

export interface TsharkEndpoint { host: string; port: number }

export interface TsharkStream {
  stream: number;
  ipVersion: 4 | 6;
  /** Set by the stream's first packet: its sender, or its receiver when it is a SYN-ACK. */
  orig: TsharkEndpoint;
  resp: TsharkEndpoint;
  firstTsUs: number;
  lastTsUs: number;
  packets: number;
  origPackets: number;
  respPackets: number;
  /** Sum of tcp.len per side (retransmissions count twice: it is a packet sum). */
  origPayload: number;
  respPayload: number;
  /** OR of tcp.flags per side. */
  origFlags: number;
  respFlags: number;
  /** tcp.analysis.initial_rtt (SYN to the ACK of the SYN-ACK) in µs; null if tshark gave none. */
  initialRttUs: number | null;
  initialRttNs: number | null;
  completeness: number;
  firstFin: StreamSide | null;
  firstRst: StreamSide | null;
}

/**
 * Parses a non-negative decimal seconds string exactly, without floats: "0.000123000" -> 123000 ns.
 * Digits beyond nanoseconds are dropped.
 */
export function parseDecimalNs(s: string): number {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s.trim());
  if (!m?.[1]) throw new Error(`not a decimal number of seconds: "${s}"`);
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return Number(m[1]) * 1e9 + Number(frac);
}

/** Same, in µs (truncated): "0.000123000" -> 123; safe for epoch times (< 2^53 µs). */
export function parseDecimalUs(s: string): number {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s.trim());
  if (!m?.[1]) throw new Error(`not a decimal number of seconds: "${s}"`);
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return Number(m[1]) * 1e6 + Number(frac);
}

function newStream(id: number, f: readonly string[], tsUs: number): TsharkStream {
  const v6 = (f[3] ?? '') !== '';
  const src = { host: (v6 ? f[3] : f[2]) ?? '', port: Number(f[4]) };
  const dst = { host: (v6 ? f[6] : f[5]) ?? '', port: Number(f[7]) };
  const flags = Number(f[8]);
  const srcIsResp = (flags & TSHARK_FLAG.SYN) !== 0 && (flags & TSHARK_FLAG.ACK) !== 0;
  return {
    stream: id, ipVersion: v6 ? 6 : 4,
    orig: srcIsResp ? dst : src, resp: srcIsResp ? src : dst,
    firstTsUs: tsUs, lastTsUs: tsUs, packets: 0, origPackets: 0, respPackets: 0,
    origPayload: 0, respPayload: 0, origFlags: 0, respFlags: 0,
    initialRttUs: null, initialRttNs: null, completeness: 0, firstFin: null, firstRst: null,
  };
}

function addPacket(s: TsharkStream, f: readonly string[], tsUs: number): void {
  const srcHost = (s.ipVersion === 6 ? f[3] : f[2]) ?? '';
  const srcPort = Number(f[4]);
  const flags = Number(f[8]);
  const side: StreamSide = srcHost === s.orig.host && srcPort === s.orig.port ? 'orig' : 'resp';
  s.packets++;
  s.lastTsUs = tsUs;
  const len = Number(f[9] || 0);
  if (side === 'orig') { s.origPackets++; s.origPayload += len; s.origFlags |= flags; }
  else { s.respPackets++; s.respPayload += len; s.respFlags |= flags; }
  if ((flags & TSHARK_FLAG.FIN) !== 0) s.firstFin ??= side;
  if ((flags & TSHARK_FLAG.RST) !== 0) s.firstRst ??= side;
  const rtt = f[10] ?? '';
  if (rtt !== '' && s.initialRttNs === null) {
    s.initialRttNs = parseDecimalNs(rtt);
    s.initialRttUs = parseDecimalUs(rtt);
  }
  const c = f[11] ?? '';
  if (c !== '') s.completeness = Math.max(s.completeness, Number(c));
}

/** Runs tshark over the file (streaming its output) and returns the streams in stream order. */
export async function tsharkStreams(file: string): Promise<TsharkStream[]> {
  const args = ['-r', file, '-2', '-n', '-Y', 'tcp', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=f'];
  for (const f of FIELDS) args.push('-e', f);
  const child = spawn('tshark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const streams = new Map<number, TsharkStream>();
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === '') continue;
    const f = line.split('\t');
    const id = Number(f[0]);
    const tsUs = parseDecimalUs(f[1] ?? '');
    let s = streams.get(id);
    if (!s) streams.set(id, (s = newStream(id, f, tsUs)));
    addPacket(s, f, tsUs);
  }
  const code = await exit;
  if (code !== 0) throw new Error(`tshark exited with ${code}: ${stderr.trim()}`);
  return [...streams.values()].sort((a, b) => a.stream - b.stream);
}

/** The stream whose originator is host:clientPort talking to serverPort (the scenario key). */
export function findStream(streams: readonly TsharkStream[], clientPort: number, serverPort: number): TsharkStream | undefined {
  return streams.find((s) => s.orig.port === clientPort && s.resp.port === serverPort);
}
