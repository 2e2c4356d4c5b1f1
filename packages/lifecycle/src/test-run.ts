/** Test helper: runs packets through a tracker and returns the records. */
import type { TcpPacket } from '@tcplens/packet';
import { ConnectionTracker } from './tracker.js';
import type { TrackerOptions } from './options.js';
import type { ConnectionRecord } from './record.js';

export function run(packets: readonly TcpPacket[], opts: TrackerOptions = {}, flush = true) {
  const records: ConnectionRecord[] = [];
  const tracker = new ConnectionTracker({ sensorId: 'test', ...opts }, (r) => records.push(r));
  for (const p of packets) tracker.process(p);
  if (flush) tracker.flush();
  return { records, tracker };
}

/** The fields of `r` named in `expected`, for a deepEqual that shows only what a test checks. */
export function pick(r: ConnectionRecord | undefined, expected: Partial<ConnectionRecord>): Partial<ConnectionRecord> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(expected)) out[k] = r === undefined ? undefined : r[k as keyof ConnectionRecord];
  return out as Partial<ConnectionRecord>;
}
