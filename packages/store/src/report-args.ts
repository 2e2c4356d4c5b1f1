/**
 * Parsing of the report options users type: `--since 15m` and `--server ADDR[:PORT]`. The parsed
 * values are only ever bound as ClickHouse query parameters, never spliced into SQL; parsing still
 * rejects anything that is not a duration or an address so a typo gets a clear message.
 */
import { isIP } from 'node:net';
import { StoreError } from './errors.js';

const UNIT_US = { s: 1e6, m: 60e6, h: 3600e6, d: 86400e6, w: 604800e6 } as const;
type Unit = keyof typeof UNIT_US;

/** "90s" | "15m" | "2h" | "7d" | "1w" → microseconds. */
export function parseSince(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(value);
  if (!m) throw new StoreError('TCPLENS_ERR_BAD_SINCE', { value: JSON.stringify(value) });
  const us = Math.round(Number(m[1]) * UNIT_US[m[2] as Unit]);
  if (!Number.isSafeInteger(us) || us <= 0) throw new StoreError('TCPLENS_ERR_BAD_SINCE', { value: JSON.stringify(value) });
  return us;
}

export interface ServerFilter {
  /** Address as the IPv6 column stores it: IPv4 becomes ::ffff:a.b.c.d. */
  addr: string;
  port?: number;
}

/** "1.2.3.4", "1.2.3.4:443", "2001:db8::1", "[2001:db8::1]", "[2001:db8::1]:443". */
export function parseServer(value: string): ServerFilter {
  const bad = () => new StoreError('TCPLENS_ERR_BAD_SERVER', { value: JSON.stringify(value) });
  let host = value.trim();
  if (host.includes('%')) throw bad(); // zone ids (fe80::1%eth0) are not stored
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
    if (isIP(host) !== 6) throw bad();
  } else if (isIP(host) === 0) {
    const v4port = /^([\d.]+):(\d+)$/.exec(host);
    if (!v4port || isIP(v4port[1]!) !== 4) throw bad();
    host = v4port[1]!;
    portText = v4port[2];
  }
  const filter: ServerFilter = { addr: isIP(host) === 4 ? `::ffff:${host}` : host };
  if (portText !== undefined) {
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw bad();
    filter.port = port;
  }
  return filter;
}
