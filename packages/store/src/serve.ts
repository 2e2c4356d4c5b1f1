/**
 * The store endpoint: the process that owns an embedded store (chdb allows one process per
 * directory) serves it on loopback through the ClickHouse HTTP interface, so `tcplens query`,
 * `tcplens report` and the alerter keep working while a tracker or `tcplens run` holds the
 * directory. They find it through DIR/tcplens-endpoint.json (mode 0600: whoever may read the
 * directory may query it) and reach it with the same @clickhouse/client code as a ClickHouse server
 * by URL; a random password in that file guards it against other local users.
 *
 * The subset of the HTTP interface served is what @clickhouse/client sends: GET /ping; POST / with
 * the SQL as body, or with `query=` in the URL and data as body (INSERT); `param_NAME` query
 * parameters; other URL parameters as settings. Errors answer HTTP 500 with ClickHouse's
 * "Code: N. DB::Exception: ... (TYPE)" text, which the client turns into the same ClickHouseError
 * the engine raised.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ChdbConnection } from 'chdb/connection';

export const ENDPOINT_FILE = 'tcplens-endpoint.json';
const USER = 'tcplens';
/** Largest request body accepted (an INSERT from a remote writer): 256 MiB. */
const MAX_BODY = 256 * 1024 * 1024;
/** URL parameters that are not settings. */
const NOT_SETTINGS = new Set(['query', 'query_id', 'database', 'user', 'password', 'session_id', 'session_timeout']);

export interface EndpointInfo {
  url: string;
  user: string;
  password: string;
  pid: number;
}

export interface StoreEndpoint {
  /** http://127.0.0.1:PORT (no credentials). */
  readonly url: string;
  /** Requests answered, failed (engine errors), refused (authentication). */
  readonly stats: { requests: number; errors: number; refused: number };
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Default 127.0.0.1: the endpoint is for this host. */
  host?: string;
  /** Default 0 (any free port; the file names it). */
  port?: number;
}

/** Reads DIR/tcplens-endpoint.json; null when absent or unreadable. */
export function readEndpoint(dir: string): EndpointInfo | null {
  try {
    const j = JSON.parse(readFileSync(join(dir, ENDPOINT_FILE), 'utf8')) as Partial<EndpointInfo>;
    if (typeof j.url !== 'string' || typeof j.password !== 'string' || typeof j.pid !== 'number') return null;
    return { url: j.url, user: typeof j.user === 'string' ? j.user : USER, password: j.password, pid: j.pid };
  } catch {
    return null;
  }
}

export async function serveConnection(connection: ChdbConnection, dir: string, opts: ServeOptions = {}): Promise<StoreEndpoint> {
  const password = randomBytes(18).toString('base64url');
  const expected = Buffer.from(`Basic ${Buffer.from(`${USER}:${password}`).toString('base64')}`);
  const stats = { requests: 0, errors: 0, refused: 0 };
  // The engine runs one statement at a time; requests queue here instead of inside chdb.
  let chain: Promise<unknown> = Promise.resolve();

  const server: Server = createServer((req, res) => {
    const auth = Buffer.from(req.headers.authorization ?? '');
    if (auth.length !== expected.length || !timingSafeEqual(auth, expected)) {
      stats.refused++;
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': '516' });
      res.end('Code: 516. DB::Exception: tcplens: authentication failed: use the password in the endpoint file. (AUTHENTICATION_FAILED)\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://endpoint');
    if (url.pathname === '/ping') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' });
      res.end('Ok.\n');
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' });
      res.end('Code: 0. DB::Exception: tcplens endpoint: only POST / and /ping are served. (NOT_IMPLEMENTED)\n');
      return;
    }
    const run = chain.then(() => answer(connection, url, req, res, stats));
    chain = run.catch(() => undefined);
  });
  server.keepAliveTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  const host = opts.host === undefined || opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const file = join(dir, ENDPOINT_FILE);
  const info: EndpointInfo = { url, user: USER, password, pid: process.pid };
  writeFileSync(`${file}.tmp`, JSON.stringify(info) + '\n', { mode: 0o600 });
  renameSync(`${file}.tmp`, file);

  let closed = false;
  return {
    url,
    stats,
    async close() {
      if (closed) return;
      closed = true;
      // Only our own file: a later owner may have replaced it.
      if (readEndpoint(dir)?.pid === process.pid) rmSync(file, { force: true });
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await chain;
    },
  };
}

async function answer(connection: ChdbConnection, url: URL, req: IncomingMessage, res: ServerResponse, stats: StoreEndpoint['stats']): Promise<void> {
  stats.requests++;
  try {
    const body = await readBody(req);
    const inUrl = url.searchParams.get('query');
    let sql = inUrl ?? body.toString('utf8');
    const clickhouse_settings: Record<string, string | number> = {};
    const params: string[] = [];
    for (const [k, v] of url.searchParams) {
      // A parameter arrives as the text ClickHouse parses by its declared type (as a server reads
      // param_NAME from the URL). chdb's own binder would escape that text a second time, so the
      // text is handed to the engine unchanged as the parameter's setting, a string literal.
      if (k.startsWith('param_') && /^param_[A-Za-z_][A-Za-z0-9_]*$/.test(k)) params.push(`SET ${k} = '${v.replace(/[\\']/g, (c) => `\\${c}`)}'`);
      else if (!NOT_SETTINGS.has(k)) clickhouse_settings[k] = /^-?\d+$/.test(v) ? Number(v) : v;
    }
    if (params.length > 0) sql = `${params.join('; ')}; ${sql}`;
    const r = await connection.exec({
      query: sql,
      clickhouse_settings,
      ...(inUrl !== null && body.length > 0 ? { values: Readable.from([body]) } : {}),
    });
    const chunks: Buffer[] = [];
    for await (const c of r.stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
    const out = Buffer.concat(chunks);
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'Content-Length': out.length,
      'X-ClickHouse-Query-Id': r.query_id,
      'X-ClickHouse-Summary': JSON.stringify(r.summary ?? {}),
    });
    res.end(out);
  } catch (err) {
    stats.errors++;
    const e = err as { code?: unknown; type?: unknown; message?: unknown };
    const code = typeof e.code === 'string' && /^\d+$/.test(e.code) ? e.code : '1001';
    const type = typeof e.type === 'string' && e.type !== '' ? e.type : 'STD_EXCEPTION';
    const message = typeof e.message === 'string' ? e.message : String(err);
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': code });
    res.end(`Code: ${code}. DB::Exception: ${message} (${type})\n`);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        req.destroy();
        reject(new Error(`request body over ${MAX_BODY} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

