/**
 * A deliberately small classic-pcap walker for the bench tooling: counts packets and reads the
 * TCP ports and flags of Ethernet/IPv4/IPv6 frames, so make-capture can check its cache and
 * report what it captured without tshark (which needs minutes for a million packets). It is an
 * independent cross-check of packages/packet, not a replacement: no pcapng, no VLAN, no options.
 *
 * pcap file header (24 bytes): magic u32 | ver 2+2 | thiszone | sigfigs | snaplen | linktype
 * record header (16 bytes):    ts_sec | ts_frac (µs or ns) | caplen | origlen
 */
import { closeSync, openSync, readSync } from 'node:fs';

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const DLT_EN10MB = 1;

export interface TcpSummary {
  ipVersion: 4 | 6;
  srcPort: number;
  dstPort: number;
  /** The TCP flag byte: FIN 1, SYN 2, RST 4, PSH 8, ACK 16. */
  flags: number;
}

export interface ScanResult {
  packets: number;
  linktype: number;
  nano: boolean;
  /** First and last record time in µs since the epoch (0 when the file has no packet). */
  firstTsUs: number;
  lastTsUs: number;
}

/** Reads the file in large chunks; calls onTcp for each Ethernet frame carrying TCP. */
export function scanPcap(file: string, onTcp?: (p: TcpSummary) => void): ScanResult {
  const fd = openSync(file, 'r');
  try {
    let buf = Buffer.alloc(4 << 20);
    let len = readSync(fd, buf, 0, buf.length, 0);
    if (len < 24) throw new Error(`${file}: too short for a pcap header`);
    const magicLe = buf.readUInt32LE(0);
    const le = magicLe === MAGIC_US || magicLe === MAGIC_NS;
    const magic = le ? magicLe : buf.readUInt32BE(0);
    if (magic !== MAGIC_US && magic !== MAGIC_NS) throw new Error(`${file}: not a classic pcap file (pcapng?)`);
    const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
    const nano = magic === MAGIC_NS;
    const linktype = u32(20) & 0xffff;
    const out: ScanResult = { packets: 0, linktype, nano, firstTsUs: 0, lastTsUs: 0 };
    let fileOff = 0; // file offset of buf[0]
    let pos = 24;
    for (;;) {
      if (len - pos < 16 || len - pos < 16 + u32(pos + 8)) {
        // refill: keep the unread tail, read after it
        const tail = len - pos;
        const need = tail >= 16 ? 16 + u32(pos + 8) : 16;
        if (need > buf.length) buf = Buffer.concat([buf, Buffer.alloc(need)]);
        buf.copy(buf, 0, pos, len);
        fileOff += pos;
        pos = 0;
        const n = readSync(fd, buf, tail, buf.length - tail, fileOff + tail);
        len = tail + n;
        if (n === 0) {
          if (tail !== 0) throw new Error(`${file}: truncated record at offset ${fileOff}`);
          return out;
        }
        continue;
      }
      const caplen = u32(pos + 8);
      const tsUs = u32(pos) * 1e6 + (nano ? Math.floor(u32(pos + 4) / 1000) : u32(pos + 4));
      if (out.packets === 0) out.firstTsUs = tsUs;
      out.lastTsUs = tsUs;
      out.packets++;
      if (onTcp && linktype === DLT_EN10MB) decodeEthernet(buf, pos + 16, caplen, onTcp);
      pos += 16 + caplen;
    }
  } finally {
    closeSync(fd);
  }
}

const scratch: TcpSummary = { ipVersion: 4, srcPort: 0, dstPort: 0, flags: 0 };

function decodeEthernet(b: Buffer, off: number, caplen: number, onTcp: (p: TcpSummary) => void): void {
  const end = off + caplen;
  if (caplen < 14) return;
  const ethertype = b.readUInt16BE(off + 12);
  let l4 = -1;
  if (ethertype === 0x0800 && caplen >= 14 + 20) {
    const ihl = (b[off + 14]! & 0x0f) * 4;
    if (b[off + 14 + 9] !== 6) return;
    scratch.ipVersion = 4;
    l4 = off + 14 + ihl;
  } else if (ethertype === 0x86dd && caplen >= 14 + 40) {
    if (b[off + 14 + 6] !== 6) return; // no extension headers on our loopback traffic
    scratch.ipVersion = 6;
    l4 = off + 14 + 40;
  } else return;
  if (l4 + 14 > end) return;
  scratch.srcPort = b.readUInt16BE(l4);
  scratch.dstPort = b.readUInt16BE(l4 + 2);
  scratch.flags = b[l4 + 13]!;
  onTcp(scratch);
}
