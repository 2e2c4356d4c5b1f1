/**
 * Alerter configuration: a JSON file (`--config FILE`) validated once at start-up, every problem
 * reported together, then frozen. Durations are text ("500ms", "30s", "5m", "1h"), event time.
 * Without a file (or without "rules") the alerter runs the default rule, "rst-spike".
 */
import { AlerterError } from './errors.js';

export const SQL_OPS = ['>', '>=', '<', '<='] as const;
export type SqlOp = (typeof SQL_OPS)[number];

export interface RstSpikeRule {
  readonly type: 'rst_spike';
  readonly name: string;
  /** Length of the evaluated window and of each baseline window, µs. */
  readonly windowUs: number;
  /** Past windows the baseline is learned from. */
  readonly baselineWindows: number;
  /** Fewer past windows with traffic: no baseline, only absoluteRate applies. */
  readonly minBaselineWindows: number;
  readonly k: number;
  readonly minDelta: number;
  /** RSTs must exceed baseline × conns by z·√(baseline × conns) (Poisson), default 3. */
  readonly z: number;
  /** Minimum volume in the window: quieter scopes never fire (no flapping on 1 RST out of 2). */
  readonly minConns: number;
  readonly minRsts: number;
  /** Fires at or above this RST rate whatever the baseline; null: no absolute threshold. */
  readonly absoluteRate: number | null;
  /** Also evaluate all services together (minus those already alerting). */
  readonly overall: boolean;
}

export interface SqlRule {
  readonly type: 'sql';
  readonly name: string;
  /** Returns rows with `scope` (String) and `value` (number); may use {window_start:DateTime64(6)},
   *  {window_end:DateTime64(6)}, {window_us:Int64} and {database:Identifier}. */
  readonly sql: string;
  readonly op: SqlOp;
  readonly threshold: number;
  readonly windowUs: number;
}

export type Rule = RstSpikeRule | SqlRule;

export interface WebhookConfig {
  readonly url: string;
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly timeoutMs: number;
}

export interface KafkaSinkConfig {
  readonly brokers: readonly string[];
  readonly topic: string;
}

export interface AlerterConfig {
  /** Wall-clock time between evaluations in continuous mode. */
  readonly intervalMs: number;
  /** A firing alert resolves once its condition has been false this long (event time). */
  readonly resolveAfterUs: number;
  /** After resolving, the same rule and scope cannot fire again for this long (event time). */
  readonly cooldownUs: number;
  /** Top clients and sensors attached to an alert; example connection ids. */
  readonly topN: number;
  readonly examples: number;
  readonly rules: readonly Rule[];
  readonly webhook: WebhookConfig | null;
  readonly kafka: KafkaSinkConfig | null;
}

const UNIT_US = { ms: 1e3, s: 1e6, m: 60e6, h: 3600e6, d: 86400e6 } as const;

/** "500ms" | "30s" | "5m" | "1h" | "1d" → µs; NaN when not a positive duration. */
export function parseDuration(text: unknown): number {
  if (typeof text !== 'string') return NaN;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (!m) return NaN;
  const us = Math.round(Number(m[1]) * UNIT_US[m[2] as keyof typeof UNIT_US]);
  return us > 0 ? us : NaN;
}

export const DEFAULT_RST_SPIKE: RstSpikeRule = Object.freeze({
  type: 'rst_spike', name: 'rst-spike', windowUs: 60e6, baselineWindows: 30, minBaselineWindows: 5,
  k: 3, minDelta: 0.05, z: 3, minConns: 20, minRsts: 5, absoluteRate: 0.5, overall: true,
});

export const DEFAULT_CONFIG: AlerterConfig = Object.freeze({
  intervalMs: 30_000, resolveAfterUs: 60e6, cooldownUs: 300e6, topN: 5, examples: 5,
  rules: Object.freeze([DEFAULT_RST_SPIKE]), webhook: null, kafka: null,
});

type Raw = Record<string, unknown>;

/** Validates a parsed JSON config; `file` only names it in the error. */
export function parseConfig(input: unknown, file = ''): AlerterConfig {
  const problems: string[] = [];
  const raw: Raw = isObject(input) ? input : (problems.push('the configuration must be a JSON object'), {});
  const dur = (o: Raw, key: string, dflt: number, where: string): number => {
    if (o[key] === undefined) return dflt;
    const us = parseDuration(o[key]);
    if (Number.isNaN(us)) problems.push(`${where}${key} ${JSON.stringify(o[key])} is not a duration like 500ms, 30s, 5m, 1h`);
    return us;
  };
  const num = (o: Raw, key: string, dflt: number, where: string, ok: (n: number) => boolean, what: string): number => {
    const v = o[key] ?? dflt;
    if (typeof v !== 'number' || !ok(v)) problems.push(`${where}${key} ${JSON.stringify(v)} must be ${what}`);
    return Number(v);
  };
  const nonNegInt = (n: number) => Number.isInteger(n) && n >= 0;
  const posInt = (n: number) => Number.isInteger(n) && n > 0;

  const rules: Rule[] = [];
  const rawRules = raw['rules'] ?? [DEFAULT_RST_SPIKE];
  if (!Array.isArray(rawRules) || rawRules.length === 0) problems.push('rules must be a non-empty array');
  else {
    const names = new Set<string>();
    rawRules.forEach((r: unknown, i: number) => {
      const o: Raw = isObject(r) ? r : {};
      const where = `rules[${i}].`;
      const name = o['name'];
      if (typeof name !== 'string' || name === '') problems.push(`${where}name must be a non-empty string`);
      else if (names.has(name)) problems.push(`${where}name ${JSON.stringify(name)} is used twice`);
      else names.add(name);
      if (o['type'] === 'rst_spike') {
        const d = DEFAULT_RST_SPIKE;
        const windowUs = dur(o, 'window', d.windowUs, where);
        const abs = o['absoluteRate'] === null ? null : num(o, 'absoluteRate', d.absoluteRate ?? 1, where, (n) => n > 0 && n <= 1, 'a rate in (0, 1] or null');
        rules.push(Object.freeze({
          type: 'rst_spike', name: String(name), windowUs,
          baselineWindows: num(o, 'baselineWindows', d.baselineWindows, where, posInt, 'a positive integer'),
          minBaselineWindows: num(o, 'minBaselineWindows', d.minBaselineWindows, where, posInt, 'a positive integer'),
          k: num(o, 'k', d.k, where, (n) => n >= 0, 'a number >= 0'),
          minDelta: num(o, 'minDelta', d.minDelta, where, (n) => n >= 0 && n <= 1, 'a rate in [0, 1]'),
          z: num(o, 'z', d.z, where, (n) => n >= 0, 'a number >= 0'),
          minConns: num(o, 'minConns', d.minConns, where, nonNegInt, 'a whole number'),
          minRsts: num(o, 'minRsts', d.minRsts, where, nonNegInt, 'a whole number'),
          absoluteRate: abs,
          overall: o['overall'] === undefined ? d.overall : o['overall'] === true,
        } satisfies RstSpikeRule));
      } else if (o['type'] === 'sql') {
        if (typeof o['sql'] !== 'string' || o['sql'].trim() === '') problems.push(`${where}sql must be a SELECT returning scope and value`);
        const op = o['op'] ?? '>';
        if (!SQL_OPS.includes(op as SqlOp)) problems.push(`${where}op ${JSON.stringify(op)} must be one of ${SQL_OPS.join(' ')}`);
        rules.push(Object.freeze({
          type: 'sql', name: String(name), sql: String(o['sql'] ?? ''), op: op as SqlOp,
          threshold: num(o, 'threshold', NaN, where, Number.isFinite, 'a number'),
          windowUs: dur(o, 'window', 300e6, where),
        } satisfies SqlRule));
      } else problems.push(`${where}type ${JSON.stringify(o['type'])} must be "rst_spike" or "sql"`);
    });
  }

  let webhook: WebhookConfig | null = null;
  if (raw['webhook'] !== undefined) {
    const w: Raw = isObject(raw['webhook']) ? raw['webhook'] : {};
    if (typeof w['url'] !== 'string' || !/^https?:\/\//.test(w['url'])) problems.push('webhook.url must be an http(s) URL');
    webhook = Object.freeze({
      url: String(w['url']),
      maxAttempts: num(w, 'maxAttempts', 5, 'webhook.', posInt, 'a positive integer'),
      backoffMs: dur(w, 'backoff', 200e3, 'webhook.') / 1000,
      timeoutMs: dur(w, 'timeout', 5e6, 'webhook.') / 1000,
    });
  }
  let kafka: KafkaSinkConfig | null = null;
  if (raw['kafka'] !== undefined) {
    const k: Raw = isObject(raw['kafka']) ? raw['kafka'] : {};
    const brokers = k['brokers'];
    if (!Array.isArray(brokers) || brokers.length === 0 || !brokers.every((b) => typeof b === 'string')) problems.push('kafka.brokers must be a list of "host:port"');
    if (typeof k['topic'] !== 'string' || k['topic'] === '') problems.push('kafka.topic must be a topic name');
    kafka = Object.freeze({ brokers: Object.freeze([...(Array.isArray(brokers) ? brokers.map(String) : [])]), topic: String(k['topic'] ?? '') });
  }
  const known = new Set(['interval', 'resolveAfter', 'cooldown', 'topN', 'examples', 'rules', 'webhook', 'kafka']);
  for (const key of Object.keys(raw)) if (!known.has(key)) problems.push(`unknown key ${JSON.stringify(key)}`);

  const config: AlerterConfig = {
    intervalMs: dur(raw, 'interval', DEFAULT_CONFIG.intervalMs * 1000, '') / 1000,
    resolveAfterUs: dur(raw, 'resolveAfter', DEFAULT_CONFIG.resolveAfterUs, ''),
    cooldownUs: raw['cooldown'] === '0s' ? 0 : dur(raw, 'cooldown', DEFAULT_CONFIG.cooldownUs, ''),
    topN: num(raw, 'topN', DEFAULT_CONFIG.topN, '', posInt, 'a positive integer'),
    examples: num(raw, 'examples', DEFAULT_CONFIG.examples, '', posInt, 'a positive integer'),
    rules: Object.freeze(rules), webhook, kafka,
  };
  if (problems.length > 0) {
    throw new AlerterError('TCPLENS_ERR_ALERTER_BAD_CONFIG', { file: file === '' ? '' : ` (${file})`, problems: problems.join('; ') });
  }
  return Object.freeze(config);
}

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
