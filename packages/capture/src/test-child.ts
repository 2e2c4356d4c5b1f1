// Child process for the tests that must watch a whole process: it must exit on its own after
// stop() (nothing may keep the event loop alive), and dropping privileges is for the process's life.
// Prints one JSON line with what it saw. Never calls process.exit.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { dropPrivileges } from './drop-privileges.js';
import { CaptureError } from './errors.js';
import { LiveCapture } from './live-capture.js';
import { waitFor } from './test-support.js';

const mode = process.argv[2];
const N = 50;
const sock = createSocket('udp4');
sock.bind(0, '127.0.0.1');
await once(sock, 'listening');
sock.on('message', () => {});
const port = sock.address().port;

const capture = new LiveCapture('lo', { filter: `udp and dst port ${port}` });
capture.open();
const drop = mode === 'drop' ? dropPrivileges('nobody') : undefined;
let batches = 0;
capture.start(() => batches++);
for (let i = 0; i < N; i++) sock.send('x', port, '127.0.0.1');
const complete = await waitFor(() => capture.stats().delivered >= N, 5000);

let reopen: string | undefined;
if (mode === 'drop') {
  try {
    new LiveCapture('lo', {}).open();
    reopen = 'opened';
  } catch (err) {
    reopen = err instanceof CaptureError ? err.code : String(err);
  }
}
const stats = await capture.stop();
const afterStop = batches;
sock.close();
setTimeout(() => {
  // A little later, to see that no batch arrives after stop() resolved. This timer is the only
  // thing left keeping the loop alive; the parent fails the test if the process does not exit.
  console.log(JSON.stringify({ complete, stats, state: capture.state, batchesAfterStop: batches - afterStop, drop, reopen, uid: process.getuid?.() }));
}, 50);
