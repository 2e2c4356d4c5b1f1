import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors.js';

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

/** Collects every problem with the options, then throws them together (validated once, at start). */
export class Problems {
  private readonly list: string[] = [];
  add(msg: string): void {
    this.list.push(msg);
  }
  check(): void {
    if (this.list.length === 1) throw new CliError('TCPLENS_ERR_CONFIG', this.list[0]!);
    if (this.list.length > 1) throw new CliError('TCPLENS_ERR_CONFIG', `${this.list.length} problems: ${this.list.join('; ')}`);
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

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], dflt: T, problems: Problems): T {
  if (value === undefined) return dflt;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.add(`--${name} ${value}: expected one of ${allowed.join(', ')}`);
  return dflt;
}
