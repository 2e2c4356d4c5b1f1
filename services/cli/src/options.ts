import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Problems } from '@tcplens/service';
import { CliError } from './errors.js';

// Option validation is the services' (one problem list, every bad option reported together).
export { Problems, oneOf } from '@tcplens/service';

/** Options every store-using command shares. */
export const STORE_OPTIONS = {
  data: { type: 'string' },
  clickhouse: { type: 'string' },
  database: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export interface StoreTarget {
  dataDir?: string;
  url?: string;
  database?: string;
}

/** parseArgs with our error code: an unknown option or a missing value is a usage error, not a crash. */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError('TCPLENS_ERR_USAGE', (err as Error).message);
  }
}

export function storeTarget(values: { data?: string | undefined; clickhouse?: string | undefined; database?: string | undefined }, problems: Problems): StoreTarget {
  if (values.data !== undefined && values.clickhouse !== undefined) problems.add('--data and --clickhouse are exclusive: the store is either embedded or a server');
  if (values.clickhouse !== undefined) {
    try {
      const u = new URL(values.clickhouse);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.add(`--clickhouse ${values.clickhouse}: expected an http:// or https:// URL`);
    } catch {
      problems.add(`--clickhouse ${values.clickhouse}: not a URL (expected e.g. http://localhost:8123)`);
    }
  }
  if (values.database !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(values.database)) problems.add(`--database ${values.database}: expected an identifier`);
  const t: StoreTarget = {};
  if (values.clickhouse !== undefined) t.url = values.clickhouse;
  else t.dataDir = values.data ?? process.env['TCPLENS_DATA'] ?? './tcplens-data';
  if (values.database !== undefined) t.database = values.database;
  return t;
}
