/**
 * Schema version 2: the per-minute rollup table and the materialized view that fills it (see
 * rollup.ts). Additive like the rest of migrate(): creates what is missing, adds missing columns,
 * refuses retyped ones. The one thing it replaces is the view itself, when its SELECT differs from
 * the code's (a view holds no data; the replacement is listed in MigrationReport.replacedViews).
 * A rollup table created on a store that already has connections is backfilled from them (read
 * with FINAL) before the view is created, so each stored row is counted once.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { StoreError } from './errors.js';
import { runQuery } from './query.js';
import {
  DEFAULT_ROLLUP_TTL_DAYS, ROLLUP_COLUMNS, ROLLUP_TABLE, ROLLUP_VIEW, backfillRollupSql, createRollupSql,
  createRollupViewSql, rollupSelectSql, rollupTtlDaysFromEngine, rollupTtlExpression, sameSelect,
} from './rollup.js';

export interface RollupMigration {
  createdTables: string[];
  /** `connections_1m.<column>` for each column added to an existing rollup table. */
  addedColumns: string[];
  replacedViews: string[];
  backfilledRows: number;
  rollupTtlDays: number;
}

export async function migrateRollup(
  client: ClickHouseClient,
  db: string,
  existing: ReadonlySet<string>,
  wantedTtl: number | undefined,
): Promise<RollupMigration> {
  const run = (query: string, params: Record<string, unknown> = {}) => client.command({ query, query_params: params });
  const out: RollupMigration = { createdTables: [], addedColumns: [], replacedViews: [], backfilledRows: 0, rollupTtlDays: 0 };
  const table = `${db}.${ROLLUP_TABLE}`;
  const newTable = !existing.has(ROLLUP_TABLE);
  if (newTable) {
    await run(createRollupSql(db, wantedTtl ?? DEFAULT_ROLLUP_TTL_DAYS));
    out.createdTables.push(ROLLUP_TABLE);
  } else {
    const have = await columnTypes(client, db, ROLLUP_TABLE);
    const mismatched = ROLLUP_COLUMNS.filter((c) => have.has(c.name) && have.get(c.name) !== c.type);
    if (mismatched.length > 0) {
      const columns = mismatched.map((c) => `${c.name} is ${have.get(c.name)}, expected ${c.type}`).join('; ');
      throw new StoreError('TCPLENS_ERR_STORE_SCHEMA_MISMATCH', { table, columns });
    }
    for (const c of ROLLUP_COLUMNS.filter((col) => !have.has(col.name))) {
      await run(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${c.name} ${c.type}`);
      out.addedColumns.push(`${ROLLUP_TABLE}.${c.name}`);
    }
  }

  // Backfill first, then create the view: every stored row is counted once. A writer on another
  // process (server mode) inserting during these two statements would have its rows missed.
  if (newTable) {
    const n = await runQuery(client, `SELECT count() AS n FROM ${db}.connections FINAL`);
    out.backfilledRows = Number(n.rows[0]?.['n'] ?? 0);
    if (out.backfilledRows > 0) await run(backfillRollupSql(db));
  }
  if (!existing.has(ROLLUP_VIEW)) {
    await run(createRollupViewSql(db));
    out.createdTables.push(ROLLUP_VIEW);
  } else {
    const r = await runQuery(client, 'SELECT as_select FROM system.tables WHERE database = {db:String} AND name = {v:String}', { db, v: ROLLUP_VIEW });
    if (!sameSelect(String(r.rows[0]?.['as_select'] ?? ''), rollupSelectSql(db))) {
      await run(`DROP VIEW ${db}.${ROLLUP_VIEW}`);
      await run(createRollupViewSql(db));
      out.replacedViews.push(ROLLUP_VIEW);
    }
  }
  out.rollupTtlDays = await applyRollupTtl(client, db, wantedTtl);
  return out;
}

async function columnTypes(client: ClickHouseClient, db: string, table: string): Promise<Map<string, string>> {
  const r = await runQuery(client, 'SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String}', { db, t: table });
  return new Map(r.rows.map((row) => [String(row['name']), String(row['type'])]));
}

async function applyRollupTtl(client: ClickHouseClient, db: string, wanted: number | undefined): Promise<number> {
  const r = await runQuery(client, 'SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = {t:String}', { db, t: ROLLUP_TABLE });
  const current = rollupTtlDaysFromEngine(String(r.rows[0]?.['engine_full'] ?? ''));
  if (wanted === undefined || wanted === current) return current;
  const table = `${db}.${ROLLUP_TABLE}`;
  await client.command({ query: wanted > 0 ? `ALTER TABLE ${table} MODIFY TTL ${rollupTtlExpression(wanted)}` : `ALTER TABLE ${table} REMOVE TTL` });
  return wanted;
}
