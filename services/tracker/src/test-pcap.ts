/**
 * A synthetic capture for the distributed-path tests: `waves` groups of `perWave` IPv4 connections
 * (Ethernet, pcap µs), the waves `gapSec` apart in packet time so every connection of a wave has
 * expired before the next begins. Connection kinds cycle: complete (SF), refused (REJ), reset by the
 * client after data (RSTO), and left open (no FIN: emitted at end of input or by timeout).
 */
import { writeFileSync } from 'node:fs';

const SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, FIN = 0x01;

interface Seg { t: number; src: number; dst: number; sp: number; dp: number; seq: number; ack: number; flags: number; len: number }

export interface SyntheticOptions {
  waves: number;
  perWave: number;
  gapSec?: number;
  startSec?: number;
}

export function syntheticSegments(o: SyntheticOptions): Seg[] {
  const out: Seg[] = [];
  const gap = (o.gapSec ?? 60) * 1e6;
  let t0 = (o.startSec ?? 1_700_000_000) * 1e6;
  for (let w = 0; w < o.waves; w++) {
    for (let i = 0; i < o.perWave; i++) {
      const n = w * o.perWave + i;
      const cli = (10 << 24) | (((n >> 16) & 255) << 16) | (((n >> 8) & 255) << 8) | (n & 255);
      const srv = (192 << 24) | (168 << 16) | (1 << 8) | (1 + (n % 7));
      const sp = 20000 + (n % 40000);
      const dp = n % 3 === 0 ? 443 : 80;
      const t = t0 + i * 137; // interleaved starts
      const c = 1000 + n * 7, s = 5000 + n * 11;
      const kind = n % 4;
      const push = (dt: number, fromCli: boolean, seq: number, ack: number, flags: number, len = 0): void => {
        out.push(fromCli ? { t: t + dt, src: cli, dst: srv, sp, dp, seq, ack, flags, len } : { t: t + dt, src: srv, dst: cli, sp: dp, dp: sp, seq, ack, flags, len });
      };
      push(0, true, c, 0, SYN);
      if (kind === 1) {
        push(300, false, 0, c + 1, RST | ACK);
        continue;
      }
      push(300, false, s, c + 1, SYN | ACK);
      push(600, true, c + 1, s + 1, ACK);
      push(1000, true, c + 1, s + 1, PSH | ACK, 100);
      push(1500, false, s + 1, c + 101, PSH | ACK, 500);
      if (kind === 2) {
        push(2000, true, c + 101, s + 501, RST | ACK);
      } else if (kind === 0) {
        push(2000, true, c + 101, s + 501, FIN | ACK);
        push(2400, false, s + 501, c + 102, FIN | ACK);
        push(2800, true, c + 102, s + 502, ACK);
      } // kind 3: stays open
    }
    t0 += o.perWave * 137 + gap;
  }
  out.sort((a, b) => a.t - b.t);
  return out;
}

/** Writes the capture; returns the number of packets. */
export function writeSyntheticPcap(path: string, o: SyntheticOptions): number {
  const segs = syntheticSegments(o);
  const FRAME = 14 + 20 + 20;
  const buf = Buffer.alloc(24 + segs.length * 16 + segs.reduce((n, s) => n + FRAME + s.len, 0));
  buf.writeUInt32LE(0xa1b2c3d4, 0);
  buf.writeUInt16LE(2, 4);
  buf.writeUInt16LE(4, 6);
  buf.writeUInt32LE(65535, 16);
  buf.writeUInt32LE(1, 20); // Ethernet
  let o2 = 24;
  for (const s of segs) {
    const len = FRAME + s.len;
    buf.writeUInt32LE(Math.floor(s.t / 1e6), o2);
    buf.writeUInt32LE(s.t % 1e6, o2 + 4);
    buf.writeUInt32LE(len, o2 + 8);
    buf.writeUInt32LE(len, o2 + 12);
    const f = o2 + 16;
    buf.writeUInt16BE(0x0800, f + 12);
    const ip = f + 14;
    buf[ip] = 0x45;
    buf.writeUInt16BE(20 + 20 + s.len, ip + 2);
    buf[ip + 8] = 64;
    buf[ip + 9] = 6;
    buf.writeUInt32BE(s.src >>> 0, ip + 12);
    buf.writeUInt32BE(s.dst >>> 0, ip + 16);
    const tcp = ip + 20;
    buf.writeUInt16BE(s.sp, tcp);
    buf.writeUInt16BE(s.dp, tcp + 2);
    buf.writeUInt32BE(s.seq >>> 0, tcp + 4);
    buf.writeUInt32BE(s.ack >>> 0, tcp + 8);
    buf[tcp + 12] = 5 << 4;
    buf[tcp + 13] = s.flags;
    buf.writeUInt16BE(65535, tcp + 14);
    o2 += 16 + len;
  }
  writeFileSync(path, buf);
  return segs.length;
}
