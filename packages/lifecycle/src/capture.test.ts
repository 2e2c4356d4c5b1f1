/**
 * Golden test on a real loopback capture (testdata/README.md). Handshake timings are Wireshark's
 * tcp.analysis.initial_rtt and Argus' synack/ackdat for the same file, to the microsecond.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCapture } from '@tcplens/packet';
import { ConnectionTracker } from './tracker.js';
import type { ConnectionRecord } from './record.js';

const file = fileURLToPath(new URL('../testdata/http-loopback.pcap', import.meta.url));

test('loopback HTTP capture: states, history and handshake timings match tshark and Argus', async () => {
  const records: ConnectionRecord[] = [];
  const tracker = new ConnectionTracker({}, (r) => records.push(r));
  await readCapture(createReadStream(file), (p) => tracker.process(p));
  tracker.flush();
  const got = records.map((r) => [r.orig_p, r.conn_state, r.history, r.handshake_us, r.syn_to_synack_us, r.synack_to_ack_us]);
  // [orig port, conn_state, history, tshark initial_rtt µs, argus synack µs, argus ackdat µs]
  assert.deepEqual(got, [
    [58968, 'SF', 'ShADadfF', 24, 13, 11],
    [58970, 'SF', 'ShADadfF', 22, 13, 9],
    [58980, 'SF', 'ShADadfF', 13, 7, 6],
    [58996, 'SF', 'ShADadfF', 11, 5, 6],
    [59008, 'SF', 'ShADadfF', 12, 6, 6],
    [56202, 'REJ', 'Sr', null, null, null],
    [59010, 'SF', 'ShADadfF', 11, 5, 6],
    [59014, 'SF', 'ShADadfF', 6, 3, 3],
  ]);
  assert.ok(records.every((r) => r.resp_h === '127.0.0.1' && r.orig_h === '127.0.0.1'));
});
