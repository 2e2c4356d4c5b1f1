/**
 * Brings a database up to SCHEMA_VERSION. Additive only: creates the database, missing tables and
 * missing columns (ALTER TABLE ADD COLUMN); it never drops or retypes anything. A store written by a
 * newer tcplens is refused (TCPLENS_ERR_STORE_TOO_NEW) before anything is touched; a column whose type
 * differs from the code's is reported as TCPLENS_ERR_STORE_SCHEMA_MISMATCH rather than "fixed".
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { COLUMNS, columnDdl } from './columns.js';
import {
  CONNECTIONS_TABLE, SCHEMA_VERSION, SCHEMA_VERSION_TABLE, createConnectionsSql, createDatabaseSql,
  createSchemaVersionSql, ttlDaysFromEngine, ttlExpression, DEFAULT_TTL_DAYS,
} from './ddl.js';
import { StoreError, queryError } from './errors.js';
import { runQuery } from './query.js';
import { migrateRollup } from './migrate-rollup.js';

export interface MigrateOptions {
  database: string;
  /** Applied to a new table; on an existing table only when given (0 removes the TTL). */
  ttlDays?: number;
  /** The same for the rollup table (default 365 days for a new one). */
  rollupTtlDays?: number;
}

export interface MigrationReport {
  fromVersion: number;
  toVersion: number;
  createdTables: string[];
  addedColumns: string[];
  /** Columns present in the table but unknown to this code: kept, never dropped. */
  extraColumns: string[];
  ttlDays: number;
  rollupTtlDays: number;
  /** Materialized views recreated because their SELECT differed from the code's. */
  replacedViews: string[];
  /** Stored connections copied into a newly created rollup table. */
  backfilledRows: number;
}

export async function migrate(client: ClickHouseClient, opts: MigrateOptions): Promise<MigrationReport> {
  try {
    return await migrateUnwrapped(client, opts);
  } catch (err) {
    throw queryError(err);
  }
}

async function migrateUnwrapped(client: ClickHouseClient, opts: MigrateOptions): Promise<MigrationReport> {
  const db = opts.database;
  const run = (query: string) => client.command({ query });
  await run(createDatabaseSql(db));
  const existing = await tableNames(client, db);
  const createdTables: string[] = [];

  if (!existing.has(SCHEMA_VERSION_TABLE)) {
    await run(createSchemaVersionSql(db));
    createdTables.push(SCHEMA_VERSION_TABLE);
  }
  const stored = await storedVersion(client, db);
  if (stored > SCHEMA_VERSION) {
    throw new StoreError('TCPLENS_ERR_STORE_TOO_NEW', { database: db, stored, code: SCHEMA_VERSION });
  }

  if (!existing.has(CONNECTIONS_TABLE)) {
    await run(createConnectionsSql(db, opts.ttlDays ?? DEFAULT_TTL_DAYS));
    createdTables.push(CONNECTIONS_TABLE);
  }

  const table = `${db}.${CONNECTIONS_TABLE}`;
  const have = await columnTypes(client, db, CONNECTIONS_TABLE);
  const mismatched = COLUMNS.filter((c) => have.has(c.name) && have.get(c.name) !== c.type).map(
    (c) => `${c.name} is ${have.get(c.name)}, expected ${c.type}`,
  );
  if (mismatched.length > 0) {
    throw new StoreError('TCPLENS_ERR_STORE_SCHEMA_MISMATCH', { table, columns: mismatched.join('; ') });
  }
  const addedColumns: string[] = COLUMNS.filter((c) => !have.has(c.name)).map((c) => c.name);
  for (const name of addedColumns) {
    const i = COLUMNS.findIndex((c) => c.name === name);
    const after = i > 0 ? ` AFTER ${COLUMNS[i - 1]!.name}` : ' FIRST';
    await run(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${columnDdl(COLUMNS[i]!)}${after}`);
  }
  const known = new Set<string>(COLUMNS.map((c) => c.name));
  const extraColumns = [...have.keys()].filter((n) => !known.has(n));

  const ttlDays = await applyTtl(client, db, opts.ttlDays);
  const rollup = await migrateRollup(client, db, existing, opts.rollupTtlDays);
  createdTables.push(...rollup.createdTables);
  addedColumns.push(...rollup.addedColumns);

  if (stored < SCHEMA_VERSION) {
    await client.insert({
      table: `${db}.${SCHEMA_VERSION_TABLE}`,
      values: [{ version: SCHEMA_VERSION, note: `tcplens store schema ${SCHEMA_VERSION}` }],
      format: 'JSONEachRow',
    });
  }
  return {
    fromVersion: stored, toVersion: SCHEMA_VERSION, createdTables, addedColumns, extraColumns, ttlDays,
    rollupTtlDays: rollup.rollupTtlDays, replacedViews: rollup.replacedViews, backfilledRows: rollup.backfilledRows,
  };
}

async function tableNames(client: ClickHouseClient, db: string): Promise<Set<string>> {
  const r = await runQuery(client, 'SELECT name FROM system.tables WHERE database = {db:String}', { db });
  return new Set(r.rows.map((row) => String(row['name'])));
}

export async function storedVersion(client: ClickHouseClient, db: string): Promise<number> {
  const r = await runQuery(client, `SELECT max(version) AS v, count() AS n FROM ${db}.${SCHEMA_VERSION_TABLE}`);
  const row = r.rows[0];
  return row && Number(row['n']) > 0 ? Number(row['v']) : 0;
}

async function columnTypes(client: ClickHouseClient, db: string, table: string): Promise<Map<string, string>> {
  const r = await runQuery(
    client,
    'SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {table:String} ORDER BY position',
    { db, table },
  );
  return new Map(r.rows.map((row) => [String(row['name']), String(row['type'])]));
}

/** Changes the TTL only when asked and different: MODIFY TTL rewrites parts, so do not repeat it. */
async function applyTtl(client: ClickHouseClient, db: string, wanted: number | undefined): Promise<number> {
  const r = await runQuery(client, 'SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = {t:String}', {
    db,
    t: CONNECTIONS_TABLE,
  });
  const current = ttlDaysFromEngine(String(r.rows[0]?.['engine_full'] ?? ''));
  if (wanted === undefined || wanted === current) return current;
  const table = `${db}.${CONNECTIONS_TABLE}`;
  await client.command({
    query: wanted > 0 ? `ALTER TABLE ${table} MODIFY TTL ${ttlExpression(wanted)}` : `ALTER TABLE ${table} REMOVE TTL`,
  });
  return wanted;
}
