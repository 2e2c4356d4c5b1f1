/**
 * Default rule "rst-spike": for each service (responder address:port) and for all services
 * together, the share of connections that a RST ended (close_kind = 'rst') in the last window,
 * against a baseline learned from the previous `baselineWindows` windows of the same length
 * (median + k·1.4826·MAD, at least median + minDelta), and the window's RST count must exceed
 * the count that baseline predicts for its volume by z Poisson deviations. A scope fires only with enough volume in the
 * window (minConns connections, minRsts RST teardowns), so a quiet service does not flap; an
 * absolute rate (absoluteRate) fires whatever the baseline.
 *
 * The overall scope leaves out services already alerting (firing before or found now) and services
 * above their own baseline threshold even when their volume does not yet allow an alert: a burst
 * on one service is that service's alert, not also a global one (summed over all services a burst
 * reaches minRsts sooner than on its own service, so the global scope would otherwise win the
 * race). It fires when the rest of the traffic spikes, e.g. a rise spread thin over many services.
 *
 * Reads the raw table with FINAL (exact, deduplicated, any window length) rather than the minute
 * rollup: windows shorter than a minute are needed for a quick reaction, and only the last
 * (baselineWindows + 1) windows are read.
 */
import { SERVER_TEXT } from '@tcplens/store';
import type { Finding, Scope } from './alert.js';
import { robustBaseline } from './baseline.js';
import type { RstSpikeRule } from './config.js';
import { rstEvidence, windowCondition } from './evidence.js';
import type { QuerySource } from './source.js';

interface Counts {
  conns: number;
  rsts: number;
}

interface ServiceHistory {
  resp_h: string;
  resp_p: number;
  server: string;
  /** index = age in windows (0 = the evaluated window). */
  ages: Counts[];
}

export interface RstSpikeContext {
  nowUs: number;
  /** Scope keys of this rule already firing (from AlertStates.firingKeys). */
  firing: ReadonlySet<string>;
  topN: number;
  examples: number;
}

export async function evaluateRstSpike(src: QuerySource, rule: RstSpikeRule, ctx: RstSpikeContext): Promise<Finding[]> {
  const services = await loadHistory(src, rule, ctx.nowUs);
  const findings: Finding[] = [];
  const excluded = new Set<string>(ctx.firing);
  for (const s of services) {
    if (aboveBaseline(s.ages, rule)) excluded.add(`service:${s.server}`);
    const verdict = judge(s.ages, rule);
    if (!verdict) continue;
    const scope: Scope = { kind: 'service', server: s.server, resp_h: s.resp_h, resp_p: s.resp_p };
    const where = `resp_h = toIPv6('${s.resp_h}') AND resp_p = ${s.resp_p}`;
    excluded.add(`service:${s.server}`);
    findings.push(await finding(src, rule, ctx, scope, where, s.ages[0]!, verdict));
  }
  if (rule.overall) {
    const rest = services.filter((s) => !excluded.has(`service:${s.server}`));
    const ages = sumAges(rest, rule.baselineWindows + 1);
    const verdict = judge(ages, rule);
    if (verdict) {
      const out = services.filter((s) => excluded.has(`service:${s.server}`));
      const where = out.length === 0 ? '1' : `(resp_h, resp_p) NOT IN (${out.map((s) => `(toIPv6('${s.resp_h}'), ${s.resp_p})`).join(', ')})`;
      findings.push(await finding(src, rule, ctx, { kind: 'overall' }, where, ages[0]!, verdict));
    }
  }
  return findings;
}

interface Verdict {
  observed: number;
  baseline: number | null;
  threshold: number | null;
  reason: 'baseline' | 'absolute';
}

/** The decision, pure: ages[0] is the evaluated window, ages[1..] its history. */
export function judge(ages: readonly Counts[], rule: RstSpikeRule): Verdict | null {
  const cur = ages[0] ?? { conns: 0, rsts: 0 };
  if (cur.conns === 0 || cur.conns < rule.minConns || cur.rsts < rule.minRsts) return null;
  const observed = cur.rsts / cur.conns;
  const history = ages.slice(1).filter((c) => c.conns > 0).map((c) => c.rsts / c.conns);
  const b = robustBaseline(history, { k: rule.k, minDelta: rule.minDelta, minWindows: rule.minBaselineWindows });
  const baseline = Number.isNaN(b.median) ? null : b.median;
  const threshold = Number.isNaN(b.threshold) ? null : b.threshold;
  // Significance: the RST count must also exceed what the baseline rate predicts for this volume by
  // z Poisson standard deviations, so a few extra RSTs in a small window are not a spike.
  const expected = (baseline ?? 0) * cur.conns;
  const significant = cur.rsts >= expected + rule.z * Math.sqrt(Math.max(expected, 1));
  if (threshold !== null && observed > threshold && significant) return { observed, baseline, threshold, reason: 'baseline' };
  if (rule.absoluteRate !== null && observed >= rule.absoluteRate) return { observed, baseline, threshold: rule.absoluteRate, reason: 'absolute' };
  return null;
}

/** The service's rate is above its learned threshold, whatever its volume. */
function aboveBaseline(ages: readonly Counts[], rule: RstSpikeRule): boolean {
  const cur = ages[0];
  if (!cur || cur.conns === 0) return false;
  const history = ages.slice(1).filter((c) => c.conns > 0).map((c) => c.rsts / c.conns);
  const b = robustBaseline(history, { k: rule.k, minDelta: rule.minDelta, minWindows: rule.minBaselineWindows });
  return !Number.isNaN(b.threshold) && cur.rsts / cur.conns > b.threshold;
}

async function loadHistory(src: QuerySource, rule: RstSpikeRule, nowUs: number): Promise<ServiceHistory[]> {
  const n = rule.baselineWindows + 1;
  const r = await src.query(
    `SELECT toString(resp_h) AS h, resp_p AS p, any(${SERVER_TEXT}) AS server,
       intDiv({now_us:Int64} - toUnixTimestamp64Micro(ts), {window_us:Int64}) AS age,
       count() AS conns, countIf(close_kind = 'rst') AS rsts
     FROM ${src.database}.connections FINAL
     WHERE ts > fromUnixTimestamp64Micro({lo_us:Int64}, 'UTC') AND ts <= fromUnixTimestamp64Micro({now_us:Int64}, 'UTC')
     GROUP BY resp_h, resp_p, age`,
    { now_us: nowUs, window_us: rule.windowUs, lo_us: nowUs - n * rule.windowUs },
  );
  const byServer = new Map<string, ServiceHistory>();
  for (const row of r.rows) {
    const server = String(row['server']);
    let s = byServer.get(server);
    if (!s) {
      s = { resp_h: String(row['h']), resp_p: Number(row['p']), server, ages: Array.from({ length: n }, () => ({ conns: 0, rsts: 0 })) };
      byServer.set(server, s);
    }
    const age = Number(row['age']);
    if (age >= 0 && age < n) s.ages[age] = { conns: Number(row['conns']), rsts: Number(row['rsts']) };
  }
  return [...byServer.values()].sort((a, b) => (a.server < b.server ? -1 : 1));
}

function sumAges(services: readonly ServiceHistory[], n: number): Counts[] {
  const out = Array.from({ length: n }, () => ({ conns: 0, rsts: 0 }));
  for (const s of services) s.ages.forEach((c, i) => ((out[i]!.conns += c.conns), (out[i]!.rsts += c.rsts)));
  return out;
}

async function finding(
  src: QuerySource, rule: RstSpikeRule, ctx: RstSpikeContext, scope: Scope, where: string, cur: Counts, v: Verdict,
): Promise<Finding> {
  const windowStartUs = ctx.nowUs - rule.windowUs;
  const ev = await rstEvidence(src, { where, windowStartUs, windowEndUs: ctx.nowUs }, ctx.topN, ctx.examples);
  const sql =
    `SELECT count() AS conns, countIf(close_kind = 'rst') AS rsts, rsts / conns AS rst_rate\n` +
    `FROM ${src.database}.connections FINAL\nWHERE ${windowCondition(windowStartUs, ctx.nowUs)} AND ${where}`;
  return {
    rule: rule.name, scope, observed: v.observed, baseline: v.baseline, threshold: v.threshold, reason: v.reason,
    windowStartUs, windowEndUs: ctx.nowUs, conns: cur.conns, rsts: cur.rsts, ...ev, sql,
  };
}

