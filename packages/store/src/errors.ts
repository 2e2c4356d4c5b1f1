/**
 * Every error the store throws, by stable code. Messages are templates: `{name}` is replaced from the
 * details passed to StoreError. `retriable` tells a caller whether trying the same call again later
 * can help (a server that is down may come back; a bad query or a newer schema will not fix itself).
 */
import { TcplensError, type ErrorDetails } from '@tcplens/errors';

export const StoreErrorCode = {
  TCPLENS_ERR_STORE_DIR_UNWRITABLE: {
    message: 'the store directory {dir} is not writable: {reason}',
    retriable: false,
  },
  TCPLENS_ERR_STORE_LOCKED: {
    message: 'the store {dir} is in use by another tcplens process{pid}; stop it or use another --data DIR',
    retriable: true,
  },
  TCPLENS_ERR_STORE_ONE_DIR_PER_PROCESS: {
    message: 'cannot open the store {dir}: this process already has another embedded store open ({reason})',
    retriable: false,
  },
  TCPLENS_ERR_STORE_OPEN: {
    message: 'cannot open the embedded store {dir}: {reason}',
    retriable: false,
  },
  TCPLENS_ERR_STORE_UNREACHABLE: {
    message: 'cannot reach ClickHouse at {url}: {reason}',
    retriable: true,
  },
  TCPLENS_ERR_STORE_TOO_NEW: {
    message:
      'the store {database} has schema version {stored}, newer than this tcplens understands ({code}); upgrade tcplens',
    retriable: false,
  },
  TCPLENS_ERR_STORE_SCHEMA_MISMATCH: {
    message: 'the table {table} has columns of unexpected types, refusing to write: {columns}',
    retriable: false,
  },
  TCPLENS_ERR_STORE_BAD_OPTION: {
    message: 'invalid store option {option}: {reason}',
    retriable: false,
  },
  TCPLENS_ERR_STORE_CLOSED: {
    message: 'the store is closed',
    retriable: false,
  },
  TCPLENS_ERR_QUERY: {
    message: '{message}',
    retriable: false,
  },
  TCPLENS_ERR_BAD_SINCE: {
    message: 'invalid duration {value}: expected a number and a unit, e.g. 90s, 15m, 2h, 7d',
    retriable: false,
  },
  TCPLENS_ERR_BAD_SERVER: {
    message: 'invalid server {value}: expected ADDR or ADDR:PORT (IPv4 1.2.3.4:443, IPv6 2001:db8::1 or [2001:db8::1]:443)',
    retriable: false,
  },
} as const;
export type StoreErrorCodeName = keyof typeof StoreErrorCode;

export type StoreErrorDetails = ErrorDetails;

export class StoreError extends TcplensError<StoreErrorCodeName> {
  constructor(code: StoreErrorCodeName, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(StoreErrorCode, code, details, options);
    this.name = 'StoreError';
  }
}

/** Errors coming out of @clickhouse/client or chdb become TCPLENS_ERR_QUERY with ClickHouse's own text. */
export function queryError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const chCode = (err as { code?: unknown } | null)?.code;
  const details: Record<string, string> = { message: message.trim() };
  if (typeof chCode === 'string') details['clickhouseCode'] = chCode;
  return new StoreError('TCPLENS_ERR_QUERY', details, { cause: err });
}
