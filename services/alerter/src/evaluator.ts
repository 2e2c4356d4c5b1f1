/**
 * One alerter: the rules of a config evaluated against a store at an event time, alert states kept
 * between evaluations, events handed to the sinks. Constructing it does nothing; evaluate() runs
 * one cycle. With no time given, "now" is the newest ts in the store (event time), so an old
 * capture is judged by its own clock.
 */
import type { AlertEvent, Finding } from './alert.js';
import type { AlerterConfig } from './config.js';
import { evaluateRstSpike } from './rst-spike.js';
import { evaluateSqlRule } from './sql-rule.js';
import { AlertStates } from './state.js';
import { newestTs, type QuerySource } from './source.js';

export interface Sink {
  readonly name: string;
  deliver(event: AlertEvent): Promise<void>;
  close?(): Promise<void>;
}

export interface Evaluation {
  /** Event time evaluated; null when the store has no connections. */
  nowUs: number | null;
  events: AlertEvent[];
  firing: AlertEvent[];
  /** Wall-clock milliseconds the rules took. */
  elapsedMs: number;
  /** Rules whose queries failed in this cycle (the others were evaluated; when all fail, evaluate() throws). */
  failedRules: RuleFailure[];
}

export interface RuleFailure {
  rule: string;
  error: unknown;
}

export class Alerter {
  private readonly states: AlertStates;
  readonly deliveryFailures = new Map<string, number>();

  constructor(
    private readonly src: QuerySource,
    private readonly config: AlerterConfig,
    private readonly sinks: readonly Sink[] = [],
  ) {
    this.states = new AlertStates({ resolveAfterUs: config.resolveAfterUs, cooldownUs: config.cooldownUs });
  }

  async evaluate(atUs?: number): Promise<Evaluation> {
    const t0 = performance.now();
    const nowUs = atUs ?? (await newestTs(this.src));
    if (nowUs === null) return { nowUs, events: [], firing: [], elapsedMs: performance.now() - t0, failedRules: [] };
    const findings: Finding[] = [];
    // One rule's failure (a custom query the server refuses) must not silence the others: its
    // alerts are left as they are (neither refreshed nor resolved) and the failure is reported.
    const evaluated: string[] = [];
    const failedRules: RuleFailure[] = [];
    for (const rule of this.config.rules) {
      try {
        switch (rule.type) {
          case 'rst_spike':
            findings.push(...(await evaluateRstSpike(this.src, rule, {
              nowUs, firing: this.states.firingKeys(rule.name), topN: this.config.topN, examples: this.config.examples,
            })));
            break;
          case 'sql':
            findings.push(...(await evaluateSqlRule(this.src, rule, nowUs)));
            break;
        }
        evaluated.push(rule.name);
      } catch (err) {
        failedRules.push({ rule: rule.name, error: err });
      }
    }
    // Every rule failed: the store is the likelier culprit; the cycle fails as a whole.
    if (evaluated.length === 0 && failedRules.length > 0) throw failedRules[0]!.error;
    const events = this.states.step(evaluated, findings, nowUs);
    const elapsedMs = performance.now() - t0;
    await this.deliver(events);
    return { nowUs, events, firing: this.states.firing(), elapsedMs, failedRules };
  }

  /** Every sink gets every event; a failing sink is counted and does not stop the others. */
  private async deliver(events: readonly AlertEvent[]): Promise<void> {
    for (const e of events) {
      await Promise.all(this.sinks.map(async (s) => {
        try {
          await s.deliver(e);
        } catch {
          this.deliveryFailures.set(s.name, (this.deliveryFailures.get(s.name) ?? 0) + 1);
        }
      }));
    }
  }

  async close(): Promise<void> {
    for (const s of this.sinks) await s.close?.();
  }
}
