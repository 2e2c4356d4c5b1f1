/**
 * Renderers for a QueryResult: an aligned text table for terminals, CSV (RFC 4180 quoting, \n line ends for Unix tools) and JSON lines.
 */
import type { QueryResult } from './query.js';

const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;

function cellText(v: unknown, nullText: string): string {
  if (v === null || v === undefined) return nullText;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Columns padded to their widest cell; numbers right-aligned, NULL shown as "NULL". */
export function formatTable(result: QueryResult): string {
  const { columns, rows } = result;
  if (columns.length === 0) return '';
  const cells = rows.map((r) => columns.map((c) => cellText(r[c.name], 'NULL')));
  const widths = columns.map((c, i) => Math.max(c.name.length, ...cells.map((row) => row[i]!.length)));
  const right = columns.map((c) => NUMERIC.test(c.type));
  const line = (vals: string[]) =>
    vals.map((v, i) => (right[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(columns.map((c) => c.name)), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of cells) out.push(line(row));
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return out.join('\n') + '\n';
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Header line then one line per row; NULL is an empty field. */
export function formatCsv(result: QueryResult): string {
  const lines = [result.columns.map((c) => csvField(c.name)).join(',')];
  for (const r of result.rows) lines.push(result.columns.map((c) => csvField(cellText(r[c.name], ''))).join(','));
  return lines.join('\n') + '\n';
}

/** One JSON object per line (JSON Lines), keys in column order. */
export function formatJson(result: QueryResult): string {
  return result.rows.map((r) => JSON.stringify(r) + '\n').join('');
}
