/**
 * Webhook delivery: each alert event is one HTTP POST of its JSON (alertJson). A 2xx answer is
 * delivered; a network error, a timeout, a 5xx or a 429 is retried with exponential backoff
 * (backoffMs, doubling, at most maxAttempts attempts); other 4xx are not retried (the receiver
 * refuses this payload). Every failed attempt and every event given up on is counted.
 */
import { alertJson, type AlertEvent } from './alert.js';
import type { WebhookConfig } from './config.js';
import { AlerterError } from './errors.js';
import type { Sink } from './evaluator.js';

export interface WebhookStats {
  delivered: number;
  failedAttempts: number;
  /** Events given up on after maxAttempts (or a non-retriable answer). */
  dropped: number;
}

export interface WebhookSink extends Sink {
  readonly stats: Readonly<WebhookStats>;
}

export function webhookSink(cfg: WebhookConfig, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): WebhookSink {
  const stats: WebhookStats = { delivered: 0, failedAttempts: 0, dropped: 0 };
  return {
    name: 'webhook',
    stats,
    async deliver(event: AlertEvent) {
      const body = JSON.stringify(alertJson(event));
      let reason = '';
      for (let attempt = 1; attempt <= cfg.maxAttempts; attempt++) {
        let retriable = true;
        try {
          const res = await fetch(cfg.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(cfg.timeoutMs),
          });
          await res.arrayBuffer();
          if (res.ok) {
            stats.delivered++;
            return;
          }
          reason = `HTTP ${res.status}`;
          retriable = res.status >= 500 || res.status === 429;
        } catch (err) {
          reason = err instanceof Error ? err.message : String(err);
        }
        stats.failedAttempts++;
        if (!retriable) {
          stats.dropped++;
          throw new AlerterError('TCPLENS_ERR_ALERTER_WEBHOOK', { url: cfg.url, attempts: attempt, reason });
        }
        if (attempt < cfg.maxAttempts) await sleep(cfg.backoffMs * 2 ** (attempt - 1));
      }
      stats.dropped++;
      throw new AlerterError('TCPLENS_ERR_ALERTER_WEBHOOK', { url: cfg.url, attempts: cfg.maxAttempts, reason });
    },
  };
}
