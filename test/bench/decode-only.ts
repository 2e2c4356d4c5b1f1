/**
 * Decode only, as its own process (so it is timed like tcpdump, startup included):
 * capture file → packet decoder → wire batches. Prints packets and TCP records.
 *   node test/dist/bench/decode-only.js FILE
 */
import { readCaptureFile } from '@tcplens/packet';
import { BatchBuilder } from '@tcplens/wire';

const file = process.argv[2];
if (!file) throw new Error('usage: decode-only.js FILE');
const builder = new BatchBuilder('bench', 4096);
let batches = 0;
const t0 = performance.now();
const result = await readCaptureFile(file, (p) => {
  if (!builder.append(p)) {
    builder.finish();
    batches++;
    builder.reset();
    builder.append(p);
  }
});
builder.finish();
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({
  packets: result.packets, tcpPackets: result.tcpPackets, batches: batches + 1,
  seconds: Number(seconds.toFixed(4)), packetsPerSecond: Math.round(result.packets / seconds),
}));
