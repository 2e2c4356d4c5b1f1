/**
 * What the continuous alerter says about itself on /metrics: evaluation cycles and how many failed,
 * when the last one succeeded (wall clock), how long the last took, the alerts firing now, the event
 * time evaluated and delivery failures by sink. Read at scrape time; nothing is kept per event.
 */
import type { Sample } from '@tcplens/service';
import type { Evaluation } from './evaluator.js';

export class AlerterHealth {
  cycles = 0;
  failedCycles = 0;
  private lastSuccessMs = 0;
  private lastCycleMs = 0;
  private firing = 0;
  private eventTimeUs = 0;
  private events = 0;

  private readonly ruleFailures = new Map<string, number>();

  constructor(
    /** The alerter's delivery failures by sink, once it exists. */
    private readonly deliveryFailures: () => ReadonlyMap<string, number> | undefined,
    private readonly rules: number,
  ) {}

  succeeded(ev: Evaluation, elapsedMs: number): void {
    this.cycles++;
    this.lastSuccessMs = Date.now();
    this.lastCycleMs = elapsedMs;
    this.firing = ev.firing.length;
    this.events += ev.events.length;
    if (ev.nowUs !== null) this.eventTimeUs = ev.nowUs;
    for (const f of ev.failedRules) this.ruleFailures.set(f.rule, (this.ruleFailures.get(f.rule) ?? 0) + 1);
  }

  failed(elapsedMs: number): void {
    this.cycles++;
    this.failedCycles++;
    this.lastCycleMs = elapsedMs;
  }

  samples(): Sample[] {
    const out: Sample[] = [
      { name: 'tcplens_alerter_cycles_total', help: 'Evaluation cycles run (every rule once per cycle).', type: 'counter', value: this.cycles },
      { name: 'tcplens_alerter_failed_cycles_total', help: 'Evaluation cycles that failed (store unreachable, query refused); retried at the next interval.', type: 'counter', value: this.failedCycles },
      { name: 'tcplens_alerter_last_success_timestamp_seconds', help: 'Wall-clock time of the last successful cycle (0: none yet).', type: 'gauge', value: this.lastSuccessMs / 1000 },
      { name: 'tcplens_alerter_last_cycle_seconds', help: 'How long the last cycle took.', type: 'gauge', value: this.lastCycleMs / 1000 },
      { name: 'tcplens_alerter_rules', help: 'Rules evaluated per cycle.', type: 'gauge', value: this.rules },
      { name: 'tcplens_alerter_alerts_firing', help: 'Alerts firing after the last successful cycle.', type: 'gauge', value: this.firing },
      { name: 'tcplens_alerter_events_total', help: 'Firing and resolved events handed to the sinks.', type: 'counter', value: this.events },
      { name: 'tcplens_alerter_event_time_seconds', help: 'Event time evaluated by the last successful cycle (the newest connection in the store).', type: 'gauge', value: this.eventTimeUs / 1e6 },
    ];
    for (const [rule, n] of this.ruleFailures) {
      out.push({ name: 'tcplens_alerter_rule_failures_total', help: 'Cycles in which a rule failed while the others were evaluated, by rule.', type: 'counter', value: n, labels: { rule } });
    }
    for (const [sink, n] of this.deliveryFailures() ?? []) {
      out.push({ name: 'tcplens_alerter_delivery_failures_total', help: 'Events a sink failed to take, by sink.', type: 'counter', value: n, labels: { sink } });
    }
    return out;
  }
}
