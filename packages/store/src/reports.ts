/**
 * The canned reports (`tcplens report latency|resets|states|refused|clients|legs`) as SQL + bound
 * parameters (docs/sql.md has the longer cookbook).
 *
 * - `since` is relative to the NEWEST ts in the table, not to now(): tcplens mostly analyzes
 *   captures after the fact, where "the last 15 minutes" means the end of the capture. The window
 *   is ts >= max(ts) - since.
 * - `server` filters on resp_h (and resp_p when a port is given).
 * - User values are bound as {since_us:UInt64}, {addr:IPv6}, {port:UInt16}; only fixed SQL text
 *   depends on which options are present.
 * - Reports read with FINAL so a connection written twice (redelivery) is counted once.
 * - Percentiles are quantileExact: the value at 0-based index floor(q·n) of the sorted observed
 *   values (a real observed value, no interpolation). NULL when no value was observed.
 */
import { CONNECTIONS_TABLE, DEFAULT_DATABASE, isIdentifier } from './ddl.js';
import { StoreError } from './errors.js';
import { parseServer, parseSince } from './report-args.js';
import type { QueryParams } from './query.js';

export const REPORT_NAMES = ['latency', 'resets', 'states', 'refused', 'clients', 'legs'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export interface ReportOptions {
  /** Duration like 15m, 2h, 7d, back from the newest connection in the table. */
  since?: string;
  /** ADDR or ADDR:PORT of the responder. */
  server?: string;
  database?: string;
}

export interface ReportQuery {
  sql: string;
  params: QueryParams;
}

/** "1.2.3.4:443" for IPv4-mapped addresses, "[2001:db8::1]:443" otherwise. */
export const SERVER_TEXT =
  "if(startsWith(toString(resp_h), '::ffff:') AND position(toString(resp_h), '.') > 0, " +
  "concat(substring(toString(resp_h), 8), ':', toString(resp_p)), " +
  "concat('[', toString(resp_h), ']:', toString(resp_p)))";

function source(opts: ReportOptions): { from: string; where: string; params: QueryParams } {
  const database = opts.database ?? DEFAULT_DATABASE;
  if (!isIdentifier(database)) {
    throw new StoreError('TCPLENS_ERR_STORE_BAD_OPTION', { option: 'database', reason: JSON.stringify(database) });
  }
  const table = `${database}.${CONNECTIONS_TABLE}`;
  const conds: string[] = [];
  const params: QueryParams = {};
  if (opts.since !== undefined) {
    params['since_us'] = parseSince(opts.since);
    conds.push(`ts >= subtractMicroseconds((SELECT max(ts) FROM ${table}), {since_us:UInt64})`);
  }
  if (opts.server !== undefined) {
    const server = parseServer(opts.server);
    params['addr'] = server.addr;
    conds.push('resp_h = {addr:IPv6}');
    if (server.port !== undefined) {
      params['port'] = server.port;
      conds.push('resp_p = {port:UInt16}');
    }
  }
  return { from: `${table} FINAL`, where: conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '', params };
}

const LATENCY_METRICS = [
  ['syn_synack', 'syn_to_synack_us'],
  ['synack_ack', 'synack_to_ack_us'],
  ['handshake', 'handshake_us'],
] as const;

function latency(opts: ReportOptions): ReportQuery {
  const { from, where, params } = source(opts);
  const inner = LATENCY_METRICS.map(
    ([alias, col]) => `count(${col}) AS ${alias}_n, quantilesExact(0.5, 0.9, 0.99)(${col}) AS ${alias}_q`,
  ).join(',\n    ');
  const outer = LATENCY_METRICS.map(([alias]) =>
    [`${alias}_n`, ...['p50', 'p90', 'p99'].map((p, i) => `if(${alias}_n = 0, NULL, ${alias}_q[${i + 1}]) AS ${alias}_${p}_us`)].join(', '),
  ).join(',\n  ');
  const sql =
    `SELECT server, conns,\n  ${outer}\nFROM (\n  SELECT resp_h, resp_p, ${SERVER_TEXT} AS server, count() AS conns,\n    ${inner}\n` +
    `  FROM ${from}\n  ${where}\n  GROUP BY resp_h, resp_p\n)\nORDER BY conns DESC, resp_h, resp_p`;
  return { sql, params };
}

function resets(opts: ReportOptions): ReportQuery {
  const { from, where, params } = source(opts);
  const sql =
    `SELECT server, rst_by, rst_phase, resets, server_conns, round(100 * resets / server_conns, 2) AS pct_of_server\n` +
    `FROM (\n  SELECT resp_h, resp_p, ${SERVER_TEXT} AS server, rst_by, rst_phase, count() AS resets,\n` +
    `    sum(count()) OVER (PARTITION BY resp_h, resp_p) AS server_conns\n` +
    `  FROM ${from}\n  ${where}\n  GROUP BY resp_h, resp_p, rst_by, rst_phase\n)\n` +
    `WHERE rst_by != ''\nORDER BY resets DESC, resp_h, resp_p, rst_by, rst_phase`;
  return { sql, params };
}

function states(opts: ReportOptions): ReportQuery {
  const { from, where, params } = source(opts);
  const sql =
    `SELECT conn_state, close_kind, count() AS conns, round(100 * count() / sum(count()) OVER (), 2) AS pct\n` +
    `FROM ${from}\n${where}\nGROUP BY conn_state, close_kind\nORDER BY conns DESC, conn_state, close_kind`;
  return { sql, params };
}

/** Refused (REJ) and unanswered (S0) attempts per server, most refused first. */
function refused(opts: ReportOptions): ReportQuery {
  const { from, where, params } = source(opts);
  const sql =
    `SELECT server, refused, unanswered, conns FROM (\n  SELECT resp_h, resp_p, ${SERVER_TEXT} AS server,\n` +
    `    countIf(conn_state = 'REJ') AS refused, countIf(conn_state = 'S0') AS unanswered, count() AS conns\n` +
    `  FROM ${from}\n  ${where}\n  GROUP BY resp_h, resp_p\n)\nWHERE refused + unanswered > 0\n` +
    `ORDER BY refused DESC, unanswered DESC, resp_h, resp_p`;
  return { sql, params };
}

/** Clients that see the most RSTs (either side), with how many came from the server. */
function clients(opts: ReportOptions): ReportQuery {
  const { from, where, params } = source(opts);
  const rst = where === '' ? "WHERE rst_by != ''" : `${where} AND rst_by != ''`;
  const client = "if(startsWith(toString(orig_h), '::ffff:') AND position(toString(orig_h), '.') > 0, substring(toString(orig_h), 8), toString(orig_h))";
  const sql =
    `SELECT ${client} AS client, count() AS resets, countIf(rst_by IN ('resp', 'both')) AS by_server,\n` +
    `  uniqExact(resp_h, resp_p) AS servers\nFROM ${from}\n${rst}\nGROUP BY orig_h\nORDER BY resets DESC, client\nLIMIT 20`;
  return { sql, params };
}

/**
 * Server leg (SYN → SYN-ACK) against client leg (SYN-ACK → ACK) per server, p50 of each, with a
 * verdict: "server busy" when the server leg is over twice the client leg, "client far" for the
 * reverse, else "balanced". Servers without an observed handshake are left out.
 */
function legs(opts: ReportOptions): ReportQuery {
  const { from, where, params } = source(opts);
  const sql =
    `SELECT server, handshakes, server_leg_p50_us, client_leg_p50_us,\n` +
    `  multiIf(server_leg_p50_us > 2 * client_leg_p50_us, 'server busy', client_leg_p50_us > 2 * server_leg_p50_us, 'client far', 'balanced') AS verdict\n` +
    `FROM (\n  SELECT resp_h, resp_p, ${SERVER_TEXT} AS server, count(handshake_us) AS handshakes,\n` +
    `    quantileExactIf(0.5)(syn_to_synack_us, handshake_us IS NOT NULL) AS server_leg_p50_us,\n` +
    `    quantileExactIf(0.5)(synack_to_ack_us, handshake_us IS NOT NULL) AS client_leg_p50_us\n` +
    `  FROM ${from}\n  ${where}\n  GROUP BY resp_h, resp_p\n)\nWHERE handshakes > 0\nORDER BY resp_h, resp_p`;
  return { sql, params };
}

export function buildReport(name: ReportName, opts: ReportOptions = {}): ReportQuery {
  switch (name) {
    case 'refused':
      return refused(opts);
    case 'clients':
      return clients(opts);
    case 'legs':
      return legs(opts);
    case 'latency':
      return latency(opts);
    case 'resets':
      return resets(opts);
    case 'states':
      return states(opts);
  }
}
