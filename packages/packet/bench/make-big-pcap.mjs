// Writes a large pcap by repeating the records of a real capture N times (timestamps shifted so
// they keep increasing). Usage: node make-big-pcap.mjs IN.pcap OUT.pcap N
import { readFileSync, openSync, writeSync, closeSync } from 'node:fs';
const [inFile, outFile, times = '20'] = process.argv.slice(2);
const src = readFileSync(inFile);
if (src.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('expects a little-endian µs pcap');
const fd = openSync(outFile, 'w');
writeSync(fd, src.subarray(0, 24));
const first = src.readUInt32LE(24);
let last = first;
for (let o = 24; o + 16 <= src.length; o += 16 + src.readUInt32LE(o + 8)) last = src.readUInt32LE(o);
const span = last - first + 1;
for (let i = 0; i < Number(times); i++) {
  const copy = Buffer.from(src.subarray(24));
  for (let o = 0; o + 16 <= copy.length; o += 16 + copy.readUInt32LE(o + 8)) {
    copy.writeUInt32LE(copy.readUInt32LE(o) + i * span, o);
  }
  writeSync(fd, copy);
}
closeSync(fd);
