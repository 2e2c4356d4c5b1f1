import type { ConnectionRecord } from '@tcplens/lifecycle';
import { zeekTime } from './format-zeek.js';

/**
 * One JSON object per connection, with the record's (and the table's) column names. Times are
 * printed as Zeek's JSON writer prints them — epoch seconds with microseconds — written from the
 * integer µs so no digit is lost; every other field is the record's value.
 */
export function jsonLine(r: ConnectionRecord): string {
  const body = JSON.stringify({ ...r, ts: 0, last_ts: 0 });
  return body
    .replace('"ts":0', `"ts":${zeekTime(r.ts)}`)
    .replace('"last_ts":0', `"last_ts":${zeekTime(r.last_ts)}`) + '\n';
}
