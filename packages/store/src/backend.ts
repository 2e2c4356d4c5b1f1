/**
 * The two ways to reach ClickHouse, behind one shape: an embedded chdb engine in a directory, or a
 * server by URL. Both go through @clickhouse/client for queries; only bulk inserts differ (chdb's raw
 * insert hands a Buffer to the engine without building one big SQL string).
 */
import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection, type ChdbConnection } from 'chdb/connection';
import { StoreError, queryError } from './errors.js';
import { ensureWritableDir, lockHolder } from './data-dir.js';
import { readEndpoint, serveConnection, type ServeOptions, type StoreEndpoint } from './serve.js';

export type InsertFormat = 'JSONCompactEachRow';

export interface Backend {
  readonly kind: 'chdb' | 'url';
  /** The directory or URL, for messages. */
  readonly target: string;
  readonly client: ClickHouseClient;
  insertRaw(table: string, columns: readonly string[], format: InsertFormat, body: Buffer): Promise<void>;
  /** Embedded only: serve the engine to other local processes (serve.ts). */
  serve?(opts: ServeOptions): Promise<StoreEndpoint>;
  close(): Promise<void>;
}

export async function openChdb(dataDir: string): Promise<Backend> {
  const dir = ensureWritableDir(dataDir);
  // Held and served by a live process (a tracker, `tcplens run`): go through its endpoint without
  // trying the engine, whose failed lock attempt would print to stderr.
  const served = servedBy(dir);
  if (served !== null) return served;
  let connection: ChdbConnection;
  try {
    connection = createChdbConnection({ path: dir });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (/only one active data directory per process/.test(reason)) {
      throw new StoreError('TCPLENS_ERR_STORE_ONE_DIR_PER_PROCESS', { dir, reason }, { cause: err });
    }
    const holder = lockHolder(dir);
    if (holder.locked) {
      const pid = holder.pid === undefined ? '' : ` (pid ${holder.pid})`;
      throw new StoreError('TCPLENS_ERR_STORE_LOCKED', { dir, pid }, { cause: err });
    }
    throw new StoreError('TCPLENS_ERR_STORE_OPEN', { dir, reason }, { cause: err });
  }
  // chdb types its connection against @clickhouse/client-common, the client against its bundled
  // copy of the same interface; the shapes are identical, only the declaration files differ.
  type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;
  const client = createClient({ connection: connection as unknown as ClientConnection, log: { level: ClickHouseLogLevel.OFF } });
  return {
    kind: 'chdb',
    target: dir,
    client,
    async insertRaw(table, columns, format, body) {
      try {
        await connection.chdb.rawInsert({ table, columns, format, values: body });
      } catch (err) {
        throw queryError(err);
      }
    },
    serve: (opts) => serveConnection(connection, dir, opts),
    close: () => client.close(),
  };
}

/** The endpoint of the live process that holds `dir` (serve.ts), opened as a URL backend; else null. */
function servedBy(dir: string): Promise<Backend> | null {
  const holder = lockHolder(dir);
  const ep = holder.locked ? readEndpoint(dir) : null;
  if (ep === null || (holder.pid !== undefined && holder.pid !== ep.pid) || !alive(ep.pid)) return null;
  const u = new URL(ep.url);
  u.username = ep.user;
  u.password = ep.password;
  return openUrl(u.toString()).then((b) => ({ ...b, target: `${dir} (served by pid ${ep.pid} at ${ep.url})` }));
}

/**
 * The pid of a live process other than this one that holds the embedded store in `dir` (chdb's lock
 * file, or the endpoint it serves), or null: `dir` is free to open (or to prepare, as run --user does).
 */
export function liveHolder(dir: string): number | null {
  const pid = readEndpoint(dir)?.pid ?? lockHolder(dir).pid;
  return pid !== undefined && pid !== process.pid && alive(pid) ? pid : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

export async function openUrl(url: string): Promise<Backend> {
  let client: ClickHouseClient;
  try {
    // The client's own logger would print a multi-line WARN (with a stack) on a failed ping; every
    // failure reaches the user as one StoreError line instead.
    client = createClient({ url, request_timeout: 30_000, log: { level: ClickHouseLogLevel.OFF } });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new StoreError('TCPLENS_ERR_STORE_BAD_OPTION', { option: 'url', reason }, { cause: err });
  }
  const ping = await client.ping();
  if (!ping.success) {
    await client.close();
    const reason = ping.error.message || (ping.error as { code?: string }).code || 'ping failed';
    throw new StoreError('TCPLENS_ERR_STORE_UNREACHABLE', { url: redact(url), reason }, { cause: ping.error });
  }
  return {
    kind: 'url',
    target: redact(url),
    client,
    async insertRaw(table, columns, format, body) {
      try {
        const res = await client.exec({
          query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT ${format}`,
          values: Readable.from([body]),
        });
        res.stream.resume();
        await new Promise<void>((done, fail) => res.stream.on('end', done).on('error', fail));
      } catch (err) {
        throw networkOrQueryError(err, url);
      }
    },
    close: () => client.close(),
  };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/** A dropped server connection is retriable; anything ClickHouse itself said is a query error. */
export function networkOrQueryError(err: unknown, url: string): StoreError {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    const reason = err instanceof Error ? err.message : code;
    return new StoreError('TCPLENS_ERR_STORE_UNREACHABLE', { url: redact(url), reason }, { cause: err });
  }
  return queryError(err);
}

/** Never print a password that came inside the URL. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
