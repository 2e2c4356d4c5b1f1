/**
 * openStore: one handle on tcplens' ClickHouse storage, embedded (chdb in a directory, the default)
 * or a server by URL. Opening validates options, reaches the engine, and migrates the schema.
 */
import type { Backend } from './backend.js';
import { openChdb, openUrl, networkOrQueryError } from './backend.js';
import { CONNECTIONS_TABLE, DEFAULT_DATABASE, isIdentifier } from './ddl.js';
import { StoreError, queryError } from './errors.js';
import { migrate, type MigrateOptions, type MigrationReport } from './migrate.js';
import { runQuery, type QueryParams, type QueryResult } from './query.js';
import { buildReport, type ReportName, type ReportOptions } from './reports.js';
import { createWriter, type Writer, type WriterOptions } from './writer.js';
import type { ServeOptions, StoreEndpoint } from './serve.js';

export const DEFAULT_DATA_DIR = './tcplens-data';

export interface StoreOptions {
  /** Embedded store directory (default ./tcplens-data). Ignored when url is set. */
  dataDir?: string;
  /** ClickHouse server, e.g. http://user:pass@host:8123. */
  url?: string;
  /** Database name (default tcplens). */
  database?: string;
  /** Days to keep rows (by ts); 0 keeps them forever. Default 30 for a new table; an existing
   *  table's TTL changes only when this is given. */
  ttlDays?: number;
  /** Days to keep per-minute rollup rows (connections_1m); 0 keeps them forever. Default 365 for a
   *  new table; an existing table's TTL changes only when this is given. */
  rollupTtlDays?: number;
}

export interface Store {
  readonly kind: 'chdb' | 'url';
  /** The directory or (password-redacted) URL. */
  readonly target: string;
  readonly database: string;
  /** `database.connections`. */
  readonly table: string;
  /** What the migration at open time did. */
  readonly migration: MigrationReport;
  /** Runs migrate() again (idempotent). */
  migrate(): Promise<MigrationReport>;
  writer(opts?: WriterOptions): Writer;
  query(sql: string, params?: QueryParams): Promise<QueryResult>;
  /** Runs a statement that returns no rows (DDL, INSERT ... VALUES); same errors as query(). */
  command(sql: string, params?: QueryParams): Promise<void>;
  report(name: ReportName, opts?: Omit<ReportOptions, 'database'>): Promise<QueryResult>;
  /**
   * Embedded store only: serves it on loopback (ClickHouse HTTP interface) and writes
   * DIR/tcplens-endpoint.json, so other tcplens processes opening the same directory reach it
   * while this process holds it. Close the endpoint before the store.
   */
  serve(opts?: ServeOptions): Promise<StoreEndpoint>;
  close(): Promise<void>;
}

function validate(opts: StoreOptions): void {
  const problems: string[] = [];
  if (opts.database !== undefined && !isIdentifier(opts.database)) {
    problems.push(`database ${JSON.stringify(opts.database)} must be letters, digits and _`);
  }
  if (opts.ttlDays !== undefined && !(Number.isInteger(opts.ttlDays) && opts.ttlDays >= 0)) {
    problems.push(`ttlDays ${opts.ttlDays} must be a whole number of days, 0 for no TTL`);
  }
  if (opts.rollupTtlDays !== undefined && !(Number.isInteger(opts.rollupTtlDays) && opts.rollupTtlDays >= 0)) {
    problems.push(`rollupTtlDays ${opts.rollupTtlDays} must be a whole number of days, 0 for no TTL`);
  }
  if (opts.url !== undefined && !/^https?:\/\//.test(opts.url)) {
    problems.push(`url ${JSON.stringify(opts.url)} must start with http:// or https://`);
  }
  if (problems.length > 0) {
    throw new StoreError('TCPLENS_ERR_STORE_BAD_OPTION', { option: 'options', reason: problems.join('; ') });
  }
}

export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  validate(opts);
  const database = opts.database ?? DEFAULT_DATABASE;
  const backend: Backend = opts.url !== undefined ? await openUrl(opts.url) : await openChdb(opts.dataDir ?? DEFAULT_DATA_DIR);
  const migrateOpts: MigrateOptions = { database };
  if (opts.ttlDays !== undefined) migrateOpts.ttlDays = opts.ttlDays;
  if (opts.rollupTtlDays !== undefined) migrateOpts.rollupTtlDays = opts.rollupTtlDays;
  let migration: MigrationReport;
  try {
    migration = await migrate(backend.client, migrateOpts);
  } catch (err) {
    await backend.close();
    throw err;
  }
  return makeStore(backend, database, migration, () => migrate(backend.client, { database }));
}

function makeStore(
  backend: Backend,
  database: string,
  migration: MigrationReport,
  remigrate: () => Promise<MigrationReport>,
): Store {
  let closed = false;
  const table = `${database}.${CONNECTIONS_TABLE}`;
  const open = () => {
    if (closed) throw new StoreError('TCPLENS_ERR_STORE_CLOSED');
  };
  const wrap = (err: unknown) => (backend.kind === 'url' ? networkOrQueryError(err, backend.target) : queryError(err));
  const query = async (sql: string, params?: QueryParams) => {
    open();
    try {
      return await runQuery(backend.client, sql, params);
    } catch (err) {
      throw wrap(err);
    }
  };
  const command = async (sql: string, params?: QueryParams) => {
    open();
    try {
      await backend.client.command({ query: sql, query_params: params ?? {} });
    } catch (err) {
      throw wrap(err);
    }
  };
  return {
    kind: backend.kind,
    target: backend.target,
    database,
    table,
    migration,
    migrate: async () => (open(), remigrate()),
    writer: (o) => (open(), createWriter(backend, table, o)),
    query,
    command,
    report: async (name, o = {}) => {
      const q = buildReport(name, { ...o, database });
      return query(q.sql, q.params);
    },
    serve: async (o = {}) => {
      open();
      if (backend.serve === undefined) throw new StoreError('TCPLENS_ERR_STORE_BAD_OPTION', { option: 'serve', reason: `${backend.target} is not an embedded store of this process` });
      return backend.serve(o);
    },
    async close() {
      if (closed) return;
      closed = true;
      await backend.close();
    },
  };
}
