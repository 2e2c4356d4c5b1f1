/**
 * DDL generated from the column table. Pure: no I/O. See docs/schema.md for why the engine, partition
 * key, sorting key and TTL are what they are.
 */
import { COLUMNS, columnDdl } from './columns.js';

/**
 * Schema version this code writes. Bump it when a migration step is added; a store with a higher
 * version was written by a newer tcplens and is refused (TCPLENS_ERR_STORE_TOO_NEW).
 *   1: tcplens.connections with the columns of COLUMNS, tcplens.schema_version.
 *   2: the per-minute rollup tcplens.connections_1m and its materialized view (rollup.ts).
 */
export const SCHEMA_VERSION = 2;

export const CONNECTIONS_TABLE = 'connections';
export const SCHEMA_VERSION_TABLE = 'schema_version';
export const DEFAULT_DATABASE = 'tcplens';
export const DEFAULT_TTL_DAYS = 30;

/** Engine clauses; migrate() does not rewrite these on an existing table (only the TTL). */
export const ENGINE = 'ReplacingMergeTree(inserted_at)';
export const PARTITION_BY = 'toDate(ts)';
export const ORDER_BY = '(resp_h, resp_p, ts, uid)';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * TTL counts from inserted_at, not ts: tcplens often analyzes captures weeks or years old, and a TTL
 * on ts would delete such rows right after inserting them. For live capture the two are minutes
 * apart, so the TTL still drops data by age.
 */
export function ttlExpression(ttlDays: number): string {
  return `toDateTime(inserted_at) + toIntervalDay(${ttlDays})`;
}

export function createDatabaseSql(database: string): string {
  return `CREATE DATABASE IF NOT EXISTS ${database}`;
}

export function createConnectionsSql(database: string, ttlDays: number): string {
  const cols = COLUMNS.map((c) => `  ${columnDdl(c)}`).join(',\n');
  const ttl = ttlDays > 0 ? `\nTTL ${ttlExpression(ttlDays)}` : '';
  return (
    `CREATE TABLE IF NOT EXISTS ${database}.${CONNECTIONS_TABLE} (\n${cols}\n)\n` +
    `ENGINE = ${ENGINE}\nPARTITION BY ${PARTITION_BY}\nORDER BY ${ORDER_BY}${ttl}`
  );
}

export function createSchemaVersionSql(database: string): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${database}.${SCHEMA_VERSION_TABLE} (\n` +
    `  version UInt32,\n  applied_at DateTime64(6, 'UTC') DEFAULT now64(6),\n  note String DEFAULT ''\n)\n` +
    `ENGINE = MergeTree\nORDER BY version`
  );
}

/** The TTL days in a system.tables engine_full string; 0 when the table has no TTL. */
export function ttlDaysFromEngine(engineFull: string): number {
  const m = /\bTTL toDateTime\(inserted_at\) \+ toIntervalDay\((\d+)\)/.exec(engineFull);
  return m?.[1] === undefined ? 0 : Number(m[1]);
}
