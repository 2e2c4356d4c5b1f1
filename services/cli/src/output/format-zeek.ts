import type { ConnectionRecord } from '@tcplens/lifecycle';

/**
 * Zeek conn.log in its ASCII (TSV) writer format, so zeek-cut and other Zeek tooling read it.
 * Columns are the classic conn.log set the issue names; `service` and `local_*` are unset ('-')
 * because tcplens does no protocol detection and has no Site::local_nets.
 */
const FIELDS = [
  ['ts', 'time'],
  ['uid', 'string'],
  ['id.orig_h', 'addr'],
  ['id.orig_p', 'port'],
  ['id.resp_h', 'addr'],
  ['id.resp_p', 'port'],
  ['proto', 'enum'],
  ['service', 'string'],
  ['duration', 'interval'],
  ['orig_bytes', 'count'],
  ['resp_bytes', 'count'],
  ['conn_state', 'string'],
  ['local_orig', 'bool'],
  ['local_resp', 'bool'],
  ['missed_bytes', 'count'],
  ['history', 'string'],
  ['orig_pkts', 'count'],
  ['orig_ip_bytes', 'count'],
  ['resp_pkts', 'count'],
  ['resp_ip_bytes', 'count'],
] as const;

const UNSET = '-';

/** Zeek's time format: epoch seconds with exactly six decimals, from integer µs (no float rounding). */
export function zeekTime(us: number): string {
  const sec = Math.floor(us / 1e6);
  return `${sec}.${String(us - sec * 1e6).padStart(6, '0')}`;
}

function openStamp(d: Date): string {
  const p = (x: number): string => String(x).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`;
}

export function zeekHeader(now: Date): string {
  return [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    `#unset_field\t${UNSET}`,
    '#path\tconn',
    `#open\t${openStamp(now)}`,
    `#fields\t${FIELDS.map((f) => f[0]).join('\t')}`,
    `#types\t${FIELDS.map((f) => f[1]).join('\t')}`,
  ].join('\n') + '\n';
}

export function zeekFooter(now: Date): string {
  return `#close\t${openStamp(now)}\n`;
}

const opt = (v: number | null): string => (v === null ? UNSET : String(v));

export function zeekLine(r: ConnectionRecord): string {
  return [
    zeekTime(r.ts),
    r.uid,
    r.orig_h,
    r.orig_p,
    r.resp_h,
    r.resp_p,
    'tcp',
    UNSET,
    r.duration === null ? UNSET : r.duration.toFixed(6),
    opt(r.orig_bytes),
    opt(r.resp_bytes),
    r.conn_state,
    UNSET,
    UNSET,
    r.missed_bytes,
    r.history === '' ? '(empty)' : r.history,
    r.orig_pkts,
    r.orig_ip_bytes,
    r.resp_pkts,
    r.resp_ip_bytes,
  ].join('\t') + '\n';
}
