export { openStore, DEFAULT_DATA_DIR, type Store, type StoreOptions } from './store.js';
export { StoreError, StoreErrorCode, type StoreErrorCodeName } from './errors.js';
export { COLUMNS, RECORD_COLUMNS, type ColumnDef, type ColumnName } from './columns.js';
export {
  SCHEMA_VERSION, DEFAULT_DATABASE, DEFAULT_TTL_DAYS, CONNECTIONS_TABLE, SCHEMA_VERSION_TABLE,
  createConnectionsSql, createSchemaVersionSql,
} from './ddl.js';
export { migrate, type MigrateOptions, type MigrationReport } from './migrate.js';
export { DEFAULT_BATCH_ROWS, type Writer, type WriterOptions, type WriterStats } from './writer.js';
export type { QueryResult, ResultColumn, QueryParams } from './query.js';
export { formatTable, formatCsv, formatJson } from './format.js';
export { buildReport, REPORT_NAMES, type ReportName, type ReportOptions, type ReportQuery } from './reports.js';
export { parseSince, parseServer, type ServerFilter } from './report-args.js';
export { renderColumnsMarkdown } from './schema-doc.js';
export {
  ROLLUP_TABLE, ROLLUP_VIEW, ROLLUP_COLUMNS, DEFAULT_ROLLUP_TTL_DAYS, createRollupSql, createRollupViewSql, rollupSelectSql,
  type RollupColumn,
} from './rollup.js';
export { SERVER_TEXT } from './reports.js';
export { liveHolder } from './backend.js';
export { ENDPOINT_FILE, readEndpoint, type EndpointInfo, type ServeOptions, type StoreEndpoint } from './serve.js';
