// Writes a pcap of `count` 60-byte Ethernet/IPv4/UDP frames 127.0.0.1 → 127.0.0.1:port, so that
// tcpreplay can flood lo faster than a socket sender can (flood-bench.ts).
import { writeFileSync } from 'node:fs';

export function writeUdpPcap(path: string, count: number, port: number): void {
  const frameLen = 14 + 20 + 8 + 18;
  const b = Buffer.alloc(24 + count * (16 + frameLen));
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeUInt32LE(65535, 16);
  b.writeUInt32LE(1, 20); // DLT_EN10MB
  let o = 24;
  for (let i = 0; i < count; i++) {
    b.writeUInt32LE(1_700_000_000, o);
    b.writeUInt32LE(i % 1_000_000, o + 4);
    b.writeUInt32LE(frameLen, o + 8);
    b.writeUInt32LE(frameLen, o + 12);
    const f = o + 16;
    b.writeUInt16BE(0x0800, f + 12);
    const ip = f + 14;
    b.writeUInt8(0x45, ip);
    b.writeUInt16BE(20 + 8 + 18, ip + 2);
    b.writeUInt16BE(i & 0xffff, ip + 4);
    b.writeUInt8(64, ip + 8);
    b.writeUInt8(17, ip + 9);
    b.writeUInt32BE(0x7f000001, ip + 12);
    b.writeUInt32BE(0x7f000001, ip + 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += b.readUInt16BE(ip + k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    b.writeUInt16BE(~sum & 0xffff, ip + 10);
    b.writeUInt16BE(40000, ip + 20);
    b.writeUInt16BE(port, ip + 22);
    b.writeUInt16BE(8 + 18, ip + 24);
    o += 16 + frameLen;
  }
  writeFileSync(path, b);
}
