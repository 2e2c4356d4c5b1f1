/**
 * Alert lifecycle per (rule, scope), on event time passed in (no clock inside):
 *
 *   quiet ──condition──▶ firing        (emits firing; not within cooldown after a resolve)
 *   firing ──condition──▶ firing       (updates the numbers, emits nothing)
 *   firing ──false for resolveAfter──▶ quiet (emits resolved, starts the cooldown)
 *
 * A condition seen during the cooldown is ignored, so a service hovering at the threshold gives one
 * alert per cooldown, not one per evaluation.
 */
import { scopeKey, type AlertEvent, type Finding } from './alert.js';

interface Active {
  finding: Finding;
  startedUs: number;
  lastTrueUs: number;
}

export interface StateOptions {
  resolveAfterUs: number;
  cooldownUs: number;
}

export class AlertStates {
  private readonly active = new Map<string, Active>();
  private readonly resolvedAt = new Map<string, number>();

  constructor(private readonly opts: StateOptions) {}

  /** Feeds one evaluation of `rules` at event time `nowUs`; returns the state changes. */
  step(rules: readonly string[], findings: readonly Finding[], nowUs: number): AlertEvent[] {
    const events: AlertEvent[] = [];
    const seen = new Set<string>();
    for (const f of findings) {
      const key = `${f.rule}|${scopeKey(f.scope)}`;
      seen.add(key);
      const a = this.active.get(key);
      if (a) {
        a.finding = f;
        a.lastTrueUs = nowUs;
        continue;
      }
      const resolved = this.resolvedAt.get(key);
      if (resolved !== undefined && nowUs < resolved + this.opts.cooldownUs) continue;
      this.active.set(key, { finding: f, startedUs: nowUs, lastTrueUs: nowUs });
      events.push({ ...f, state: 'firing', startedUs: nowUs, resolvedUs: null });
    }
    const evaluated = new Set(rules);
    for (const [key, a] of this.active) {
      if (seen.has(key) || !evaluated.has(a.finding.rule)) continue;
      if (nowUs - a.lastTrueUs < this.opts.resolveAfterUs) continue;
      this.active.delete(key);
      this.resolvedAt.set(key, nowUs);
      events.push({ ...a.finding, state: 'resolved', startedUs: a.startedUs, resolvedUs: nowUs });
    }
    return events;
  }

  /** The alerts firing now, with their latest numbers. */
  firing(): AlertEvent[] {
    return [...this.active.values()].map((a) => ({ ...a.finding, state: 'firing', startedUs: a.startedUs, resolvedUs: null }));
  }

  /** Service scopes of `rule` that are firing (the overall scope leaves them out). */
  firingKeys(rule: string): Set<string> {
    const out = new Set<string>();
    for (const [key, a] of this.active) if (a.finding.rule === rule) out.add(key.slice(rule.length + 1));
    return out;
  }
}
