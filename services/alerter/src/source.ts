/** What rules need from the store: a database name and read queries (a Store satisfies it). */
import type { QueryParams, QueryResult } from '@tcplens/store';

export interface QuerySource {
  readonly database: string;
  query(sql: string, params?: QueryParams): Promise<QueryResult>;
}

/** DateTime64(6) literal for reproducible SQL: toDateTime64('2024-03-01 12:00:00.000000', 6, 'UTC'). */
export function timeLiteral(us: number): string {
  const ms = Math.floor(us / 1000);
  const frac = String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return `toDateTime64('${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}.${frac}', 6, 'UTC')`;
}

/** "1.2.3.4" for IPv4-mapped addresses as ClickHouse prints them. */
export function plainAddress(text: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  return m ? m[1]! : text;
}

/** Event time "now": the newest ts in the store, µs; null for an empty store. */
export async function newestTs(src: QuerySource): Promise<number | null> {
  const r = await src.query(`SELECT count() AS n, toUnixTimestamp64Micro(max(ts)) AS t FROM ${src.database}.connections`);
  const row = r.rows[0];
  return row && Number(row['n']) > 0 ? Number(row['t']) : null;
}
