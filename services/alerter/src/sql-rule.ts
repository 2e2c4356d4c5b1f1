/**
 * User-defined rules: a SELECT returning `scope` and `value` per row, and a threshold. Every row
 * whose value passes the comparison is a finding. The window is bound as parameters
 * ({window_start:DateTime64(6)}, {window_end:DateTime64(6)}, {window_us:Int64}) and the database
 * name is spliced for {database} (text, validated by the store as an identifier). The alert's
 * `sql` is the rule's SQL with those values written in, ready to paste.
 */
import type { Finding } from './alert.js';
import type { SqlOp, SqlRule } from './config.js';
import { timeLiteral, type QuerySource } from './source.js';

export function passes(value: number, op: SqlOp, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

export async function evaluateSqlRule(src: QuerySource, rule: SqlRule, nowUs: number): Promise<Finding[]> {
  const startUs = nowUs - rule.windowUs;
  const sql = rule.sql.replaceAll('{database}', src.database);
  const params = { window_start: fromUs(startUs), window_end: fromUs(nowUs), window_us: rule.windowUs };
  const r = await src.query(sql, params);
  const literal = sql
    .replace(/\{window_start:[^}]+\}/g, timeLiteral(startUs))
    .replace(/\{window_end:[^}]+\}/g, timeLiteral(nowUs))
    .replace(/\{window_us:[^}]+\}/g, String(rule.windowUs));
  const out: Finding[] = [];
  for (const row of r.rows) {
    const value = Number(row['value']);
    if (!Number.isFinite(value) || !passes(value, rule.op, rule.threshold)) continue;
    out.push({
      rule: rule.name, scope: { kind: 'custom', key: String(row['scope'] ?? '') }, observed: value, baseline: null,
      threshold: rule.threshold, reason: 'sql', windowStartUs: startUs, windowEndUs: nowUs,
      topClients: [], topSensors: [], exampleUids: [], sql: literal,
    });
  }
  return out;
}

/** Parameter text for DateTime64(6): "2024-03-01 12:00:00.000000". */
function fromUs(us: number): string {
  const frac = String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19).replace('T', ' ')}.${frac}`;
}
