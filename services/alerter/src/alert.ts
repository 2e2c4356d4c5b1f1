/**
 * What a rule finds and what the alerter emits. A Finding is one scope whose condition holds in one
 * evaluation; an AlertEvent is a state change of that (rule, scope): firing or resolved. Times are
 * event time (µs since the epoch, from the records' ts), with ISO copies for people.
 */
export type Scope =
  | { readonly kind: 'service'; readonly server: string; readonly resp_h: string; readonly resp_p: number }
  | { readonly kind: 'overall' }
  | { readonly kind: 'custom'; readonly key: string };

export function scopeKey(s: Scope): string {
  switch (s.kind) {
    case 'service':
      return `service:${s.server}`;
    case 'overall':
      return 'overall';
    case 'custom':
      return `custom:${s.key}`;
  }
}

export interface Contributor {
  readonly name: string;
  readonly count: number;
}

export interface Finding {
  readonly rule: string;
  readonly scope: Scope;
  /** The value in the evaluated window (an RST rate for rst_spike, the SQL's value otherwise). */
  readonly observed: number;
  /** What it is compared with: the learned median, or the configured threshold for SQL rules. */
  readonly baseline: number | null;
  readonly threshold: number | null;
  /** Why it fired: 'baseline' (above median + k·MAD), 'absolute' or 'sql'. */
  readonly reason: 'baseline' | 'absolute' | 'sql';
  readonly windowStartUs: number;
  readonly windowEndUs: number;
  readonly conns?: number;
  readonly rsts?: number;
  topClients: Contributor[];
  topSensors: Contributor[];
  exampleUids: string[];
  /** Paste into clickhouse client / tcplens query to see the same numbers. */
  sql: string;
}

export type AlertState = 'firing' | 'resolved';

export interface AlertEvent extends Finding {
  readonly state: AlertState;
  /** When the alert started firing (event time) and, once resolved, when it resolved. */
  readonly startedUs: number;
  readonly resolvedUs: number | null;
}

/** The JSON shape delivered to sinks and printed by --once. */
export function alertJson(e: AlertEvent): Record<string, unknown> {
  const iso = (us: number | null) => (us === null ? null : new Date(Math.floor(us / 1000)).toISOString());
  return {
    rule: e.rule,
    state: e.state,
    scope: e.scope,
    observed: e.observed,
    baseline: e.baseline,
    threshold: e.threshold,
    reason: e.reason,
    started_at: iso(e.startedUs),
    resolved_at: iso(e.resolvedUs),
    window: { start: iso(e.windowStartUs), end: iso(e.windowEndUs) },
    ...(e.conns === undefined ? {} : { conns: e.conns }),
    ...(e.rsts === undefined ? {} : { rsts: e.rsts }),
    top_clients: e.topClients,
    top_sensors: e.topSensors,
    example_uids: e.exampleUids,
    sql: e.sql,
  };
}
