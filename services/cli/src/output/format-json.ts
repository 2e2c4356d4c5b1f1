import type { ConnectionRecord } from '@tcplens/lifecycle';
import { zeekTime } from './format-zeek.js';

/**
 * One JSON object per connection, with the record's (and the table's) column names. Times are
 * printed as Zeek's JSON writer prints them — epoch seconds with microseconds — written from the
 * integer µs so no digit is lost; every other field is the record's value.
 *
 * Written field by field from a key list fixed at the first record (the records all have the same
 * shape): JSON.stringify of the whole record cost 4.4 µs per connection, 18% of `analyze --format json`.
 */
const TIME_FIELDS = new Set(['ts', 'last_ts']);
let keys: readonly string[] | null = null;
let prefixes: readonly string[] = [];

export function jsonLine(r: ConnectionRecord): string {
  if (keys === null) {
    keys = Object.keys(r);
    prefixes = keys.map((k, i) => `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);
  }
  const rec = r as unknown as Record<string, unknown>;
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = rec[k];
    out += prefixes[i]!;
    if (typeof v === 'number') out += TIME_FIELDS.has(k) ? zeekTime(v) : Number.isFinite(v) ? String(v) : 'null';
    else if (typeof v === 'string') out += JSON.stringify(v);
    else if (v === null || v === undefined) out += 'null';
    else out += JSON.stringify(v);
  }
  return out + '}\n';
}
