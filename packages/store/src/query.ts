/**
 * Read path: run one SELECT with bound parameters and return rows as JSON objects plus the column
 * names and ClickHouse types (from JSONCompactEachRowWithNamesAndTypes). 64-bit integers come back
 * as JS numbers (output_format_json_quote_64bit_integers=0): counts, bytes and µs in tcplens stay far
 * below 2^53; a user query returning larger values (e.g. a hash) loses precision.
 */
import type { ClickHouseClient } from '@clickhouse/client';

export interface ResultColumn {
  name: string;
  type: string;
}

export interface QueryResult {
  columns: ResultColumn[];
  rows: Record<string, unknown>[];
}

export type QueryParams = Record<string, unknown>;

export async function runQuery(client: ClickHouseClient, sql: string, params: QueryParams = {}): Promise<QueryResult> {
  const rs = await client.query({
    query: stripTrailingSemicolons(sql),
    format: 'JSONCompactEachRowWithNamesAndTypes',
    query_params: params,
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const text = await rs.text();
  return parseCompactWithNamesAndTypes(text);
}

/** Lines: [names...], [types...], then one JSON array per row. */
export function parseCompactWithNamesAndTypes(text: string): QueryResult {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const names = lines.length > 0 ? (JSON.parse(lines[0]!) as string[]) : [];
  const types = lines.length > 1 ? (JSON.parse(lines[1]!) as string[]) : [];
  const columns = names.map((name, i) => ({ name, type: types[i] ?? '' }));
  const rows: Record<string, unknown>[] = [];
  for (let i = 2; i < lines.length; i++) {
    const values = JSON.parse(lines[i]!) as unknown[];
    const row: Record<string, unknown> = {};
    names.forEach((n, j) => (row[n] = values[j]));
    rows.push(row);
  }
  return { columns, rows };
}

function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[;\s]+$/, '');
}
