/**
 * The per-minute rollup: table tcplens.connections_1m (AggregatingMergeTree) kept by the
 * materialized view tcplens.connections_1m_mv, one row per minute × responder (resp_h, resp_p) ×
 * sensor. One column table generates the table DDL, the view's SELECT, the backfill and the column
 * list in docs/schema.md, as COLUMNS does for the raw table.
 *
 * The view sees every INSERT into tcplens.connections, duplicates of a uid included (the raw table's
 * ReplacingMergeTree only collapses them later, in merges). So the rollup counts inserts: a record
 * redelivered by Kafka is counted twice here while `connections FINAL` counts it once. We accept
 * that rather than dedupe upstream: redelivery is rare (after a tracker crash) and bounded to the
 * batches in flight, and exact figures are one FINAL query away on the raw table.
 */
import type { ConnState } from '@tcplens/lifecycle';
import { CONNECTIONS_TABLE } from './ddl.js';

/** Zeek's conn_state vocabulary, one rollup column each. A local copy keeps the store free of
 *  lifecycle's runtime; the type check below fails when lifecycle adds or removes a state. */
const CONN_STATES = ['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'] as const satisfies readonly ConnState[];
const allStates: Exclude<ConnState, (typeof CONN_STATES)[number]> extends never ? true : false = true;
void allStates;

export const ROLLUP_TABLE = 'connections_1m';
export const ROLLUP_VIEW = 'connections_1m_mv';
/** Rollups outlive raw records: a year of per-minute rows by default. */
export const DEFAULT_ROLLUP_TTL_DAYS = 365;

export interface RollupColumn {
  readonly name: string;
  readonly type: string;
  /** Expression in the view's SELECT (grouped by the key columns). */
  readonly expr: string;
  readonly doc: string;
  readonly key?: true;
}

const SUM = 'SimpleAggregateFunction(sum, UInt64)';
/** t-digest sketch: mergeable across minutes, services and sensors; any level at read time. */
const SKETCH = 'AggregateFunction(quantileTDigest, UInt64)';

const count = (name: string, cond: string, doc: string): RollupColumn => ({ name, type: SUM, expr: `countIf(${cond})`, doc });
const sketch = (col: string, doc: string): RollupColumn => ({
  name: `${col}_q`,
  type: SKETCH,
  expr: `quantileTDigestStateIf(assumeNotNull(${col}), ${col} IS NOT NULL)`,
  doc: `${doc} Read with quantileTDigestMerge(0.99)(${col}_q) or quantilesTDigestMerge(0.5, 0.99)(...).`,
});

export const ROLLUP_COLUMNS: readonly RollupColumn[] = [
  { name: 'minute', type: "DateTime('UTC')", expr: 'toStartOfMinute(ts)', doc: 'Minute of the connections\' first packet (ts).', key: true },
  { name: 'resp_h', type: 'IPv6', expr: 'resp_h', doc: 'Responder address (IPv4-mapped for IPv4).', key: true },
  { name: 'resp_p', type: 'UInt16', expr: 'resp_p', doc: 'Responder port.', key: true },
  { name: 'sensor_id', type: 'LowCardinality(String)', expr: 'sensor_id', doc: 'First sensor that saw the connections.', key: true },
  { name: 'conns', type: SUM, expr: 'count()', doc: 'Connection records inserted (duplicates of a uid count again).' },
  ...CONN_STATES.map((s) => count(`state_${s.toLowerCase()}`, `conn_state = '${s}'`, `Connections with conn_state ${s}.`)),
  count('refused', "conn_state = 'REJ'", 'Refused attempts: the SYN was answered by a RST (same as state_rej).'),
  count('unanswered', "conn_state = 'S0'", 'Unanswered attempts: a SYN and no reply (same as state_s0).'),
  count('rst_conns', "rst_by != ''", 'Connections with at least one RST.'),
  count('rst_closed', "close_kind = 'rst'", 'Connections that a RST ended (RST teardowns, the alerter\'s default rule).'),
  count('rst_by_orig', "rst_by = 'orig'", 'Connections where only the originator (client) sent RSTs.'),
  count('rst_by_resp', "rst_by = 'resp'", 'Connections where only the responder (server) sent RSTs.'),
  count('rst_by_both', "rst_by = 'both'", 'Connections where both sides sent RSTs.'),
  count('rst_in_handshake', "rst_phase = 'handshake'", 'First RST during the handshake.'),
  count('rst_in_established', "rst_phase = 'established'", 'First RST while established.'),
  count('rst_after_fin', "rst_phase = 'after_fin'", 'First RST after a FIN.'),
  count('rst_after_idle', "rst_phase = 'after_idle'", 'First RST after an idle period.'),
  count('handshake_n', 'handshake_us IS NOT NULL', 'Connections with a completed, observed handshake.'),
  sketch('syn_to_synack_us', 'Server leg (SYN → SYN-ACK) latency sketch, µs.'),
  sketch('synack_to_ack_us', 'Client leg (SYN-ACK → ACK) latency sketch, µs.'),
  sketch('handshake_us', 'Whole handshake (SYN → ACK) latency sketch, µs.'),
  { name: 'orig_bytes', type: SUM, expr: 'sum(ifNull(orig_bytes, 0))', doc: 'Originator payload bytes.' },
  { name: 'resp_bytes', type: SUM, expr: 'sum(ifNull(resp_bytes, 0))', doc: 'Responder payload bytes.' },
  { name: 'orig_ip_bytes', type: SUM, expr: 'sum(orig_ip_bytes)', doc: 'Originator IP-level bytes.' },
  { name: 'resp_ip_bytes', type: SUM, expr: 'sum(resp_ip_bytes)', doc: 'Responder IP-level bytes.' },
  {
    name: 'written_at',
    type: "SimpleAggregateFunction(max, DateTime('UTC'))",
    expr: 'max(toDateTime(inserted_at))',
    doc: 'Latest insert into this row; the rollup TTL counts from it (old captures are kept).',
  },
];

const KEY = ROLLUP_COLUMNS.filter((c) => c.key === true).map((c) => c.name);

export function rollupTtlExpression(days: number): string {
  return `written_at + toIntervalDay(${days})`;
}

export function createRollupSql(database: string, ttlDays: number): string {
  const cols = ROLLUP_COLUMNS.map((c) => `  ${c.name} ${c.type}`).join(',\n');
  const ttl = ttlDays > 0 ? `\nTTL ${rollupTtlExpression(ttlDays)}` : '';
  return (
    `CREATE TABLE IF NOT EXISTS ${database}.${ROLLUP_TABLE} (\n${cols}\n)\n` +
    `ENGINE = AggregatingMergeTree\nPARTITION BY toYYYYMM(minute)\nORDER BY (resp_h, resp_p, minute, sensor_id)${ttl}`
  );
}

/** The SELECT that turns raw rows into rollup rows: the view's body and the backfill's. */
export function rollupSelectSql(database: string, from = `${database}.${CONNECTIONS_TABLE}`, where = ''): string {
  const exprs = ROLLUP_COLUMNS.map((c) => (c.expr === c.name ? c.name : `${c.expr} AS ${c.name}`)).join(', ');
  return `SELECT ${exprs} FROM ${from}${where === '' ? '' : ` WHERE ${where}`} GROUP BY ${KEY.join(', ')}`;
}

export function createRollupViewSql(database: string): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.${ROLLUP_VIEW} TO ${database}.${ROLLUP_TABLE} AS ${rollupSelectSql(database)}`;
}

/** Rows stored before the view existed, read deduplicated (FINAL). */
export function backfillRollupSql(database: string): string {
  const cols = ROLLUP_COLUMNS.map((c) => c.name).join(', ');
  const select = rollupSelectSql(database, `${database}.${CONNECTIONS_TABLE} FINAL`);
  return `INSERT INTO ${database}.${ROLLUP_TABLE} (${cols}) ${select}`;
}

/** TTL days of the rollup table from system.tables engine_full; 0 when none. */
export function rollupTtlDaysFromEngine(engineFull: string): number {
  const m = /\bTTL written_at \+ toIntervalDay\((\d+)\)/.exec(engineFull);
  return m?.[1] === undefined ? 0 : Number(m[1]);
}

/** Whitespace-insensitive comparison of a view's stored SELECT with the code's. */
export function sameSelect(stored: string, code: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  return norm(stored) === norm(code);
}
