/** Alerts to the log: one pino line per event (warn when firing, info when resolved). */
import type { Logger } from 'pino';
import { alertJson, type AlertEvent } from './alert.js';
import type { Sink } from './evaluator.js';

export function logSink(log: Logger): Sink {
  return {
    name: 'log',
    async deliver(e: AlertEvent) {
      const scope = e.scope.kind === 'service' ? e.scope.server : e.scope.kind === 'custom' ? e.scope.key : 'overall';
      const msg = `alert ${e.rule} ${e.state} for ${scope}: observed ${round(e.observed)} (baseline ${e.baseline === null ? '-' : round(e.baseline)})`;
      if (e.state === 'firing') log.warn({ alert: alertJson(e) }, msg);
      else log.info({ alert: alertJson(e) }, msg);
    },
  };
}

function round(x: number): string {
  return String(Math.round(x * 10_000) / 10_000);
}
