// Reads a capture file with readCapture and prints packets/s. Usage: node read-capture-bench.mjs FILE [runs]
import { createReadStream, statSync } from 'node:fs';
import { readCapture } from '../dist/index.js';
const [file, runs = '3'] = process.argv.slice(2);
const size = statSync(file).size;
for (let i = 0; i < Number(runs); i++) {
  let sum = 0;
  const t0 = process.hrtime.bigint();
  const r = await readCapture(createReadStream(file, { highWaterMark: 1 << 20 }), (p) => { sum += p.payloadLen; });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${file}: ${r.packets} packets (${r.tcpPackets} tcp, payload ${sum} B) in ${s.toFixed(3)} s = ${(r.packets / s / 1e6).toFixed(2)} Mpkt/s, ${(size / s / 1e6).toFixed(0)} MB/s`);
}
