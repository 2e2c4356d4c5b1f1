/**
 * `tcplens alerter`: evaluates the rules against the store, continuously (every `interval`) or
 * once (--once: prints the firing alerts, one JSON object per line, and exits).
 *
 *   tcplens alerter [--data DIR | --clickhouse URL] [--database NAME] [--config FILE]
 *                   [--once [--format json|text]] [--interval DUR] [--webhook URL]
 *                   [--kafka-brokers HOST:PORT,...] [--kafka-topic TOPIC]
 *                   [--metrics-port PORT [--metrics-host HOST]]
 *
 * A cycle that fails (the store unreachable, a query refused) is logged, counted and retried at the
 * next interval: the alerter outlives a ClickHouse restart. /metrics says how many cycles failed and
 * when the last one succeeded, so a health check or an alert on the alerter itself can see it.
 *
 * An embedded store (--data) can be opened by one process at a time: run the continuous alerter
 * against a ClickHouse server (--clickhouse) when another process writes, or use --once between runs.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { serveMetrics } from '@tcplens/service';
import { openStore, type StoreOptions } from '@tcplens/store';
import { alertJson, type AlertEvent } from './alert.js';
import { parseConfig, parseDuration, type AlerterConfig } from './config.js';
import { AlerterError } from './errors.js';
import { Alerter, type Sink } from './evaluator.js';
import { logSink } from './log-sink.js';
import { AlerterHealth } from './health.js';
import { webhookSink } from './webhook-sink.js';
import { ALERTER_USAGE } from './usage.js';

export { ALERTER_USAGE };


const OPTIONS = {
  data: { type: 'string' },
  clickhouse: { type: 'string' },
  database: { type: 'string' },
  config: { type: 'string' },
  once: { type: 'boolean' },
  format: { type: 'string' },
  interval: { type: 'string' },
  webhook: { type: 'string' },
  'kafka-brokers': { type: 'string' },
  'kafka-topic': { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface RunIo {
  stdout: (s: string) => void;
  /** Resolves when the continuous alerter should stop (default: SIGINT or SIGTERM). */
  stopSignal?: Promise<void>;
  /** Called with the metrics URL once the endpoint listens (--metrics-port). */
  onMetrics?: (url: string) => void;
}

export async function runAlerter(args: string[], io: RunIo = { stdout: (s) => void process.stdout.write(s) }): Promise<number> {
  let values;
  try {
    values = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new AlerterError('TCPLENS_ERR_ALERTER_BAD_OPTION', { problems: err instanceof Error ? err.message : String(err) });
  }
  if (values.help) {
    io.stdout(`${ALERTER_USAGE}\n`);
    return 0;
  }
  const { config, store: storeOpts, format, metricsPort, metricsHost } = resolveOptions(values);
  const log = pino({ base: { component: 'alerter' } }, pino.destination({ fd: 2, sync: true }));
  const store = await openStore(storeOpts);
  const sinks: Sink[] = [];
  let metrics: Server | null = null;
  try {
    if (values.once) {
      const alerter = new Alerter(store, config);
      const ev = await alerter.evaluate();
      for (const e of ev.firing) io.stdout(format === 'json' ? `${JSON.stringify(alertJson(e))}\n` : `${textLine(e)}\n`);
      // The other rules' alerts are printed; the answer is incomplete, so the command fails.
      if (ev.failedRules.length > 0) {
        const first = ev.failedRules[0]!.error;
        throw new AlerterError('TCPLENS_ERR_ALERTER_RULE_FAILED', {
          rules: ev.failedRules.map((f) => f.rule).join(', '),
          reason: first instanceof Error ? first.message : String(first),
        }, { cause: first });
      }
      return 0;
    }
    let alerter: Alerter | null = null;
    const health = new AlerterHealth(() => alerter?.deliveryFailures, config.rules.length);
    // The endpoint before the sinks: a port in use fails here, before a sink holds a connection open.
    if (metricsPort !== null) {
      metrics = await serveMetrics(metricsHost, metricsPort, () => health.samples());
      const a = metrics.address();
      const host = metricsHost.includes(':') ? `[${metricsHost}]` : metricsHost;
      const url = typeof a === 'object' && a ? `http://${host}:${a.port}/metrics` : String(a);
      io.onMetrics?.(url);
      log.info({ metrics: url }, 'metrics endpoint');
    }
    sinks.push(logSink(log));
    if (config.webhook) sinks.push(webhookSink(config.webhook));
    // kafkajs loads only when a topic is configured
    if (config.kafka) sinks.push(await (await import('./kafka-sink.js')).kafkaSink(config.kafka));
    alerter = new Alerter(store, config, sinks);
    const stop = io.stopSignal ?? new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    let stopped = false;
    void stop.then(() => (stopped = true));
    log.info({ rules: config.rules.map((r) => r.name), intervalMs: config.intervalMs, store: store.target }, 'alerter started');
    let failing = false;
    let failingRules = new Set<string>();
    while (!stopped) {
      const t0 = performance.now();
      try {
        const ev = await alerter.evaluate();
        health.succeeded(ev, performance.now() - t0);
        if (failing) log.info({ failedCycles: health.failedCycles }, 'evaluation works again');
        failing = false;
        // A rule that fails while the others work (say, a custom query the server refuses): warned
        // once per streak, counted on /metrics by rule; its alerts stay as they were.
        const failedNow = new Set(ev.failedRules.map((f) => f.rule));
        for (const f of ev.failedRules) {
          if (!failingRules.has(f.rule)) log.warn({ rule: f.rule, err: f.error instanceof Error ? f.error.message : String(f.error) }, 'rule failed; the other rules go on');
        }
        for (const r of failingRules) if (!failedNow.has(r)) log.info({ rule: r }, 'rule works again');
        failingRules = failedNow;
        log.debug({ nowUs: ev.nowUs, firing: ev.firing.length, elapsedMs: Math.round(ev.elapsedMs) }, 'evaluated');
      } catch (err) {
        health.failed(performance.now() - t0);
        // Once per outage at warn level (each later failure at debug): a dead store every 30 s
        // would otherwise repeat the same line forever.
        const detail = { err: err instanceof Error ? err.message : String(err), code: (err as { code?: unknown }).code, failedCycles: health.failedCycles };
        if (!failing) log.warn(detail, 'evaluation failed; retrying every interval');
        else log.debug(detail, 'evaluation failed again');
        failing = true;
      }
      // The wait between cycles keeps the process alive (nothing else may: an embedded store holds
      // no handle); a stop signal cuts it short.
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([stop, new Promise((r) => (wait = setTimeout(r, config.intervalMs)))]);
      clearTimeout(wait);
    }
    log.info({ deliveryFailures: Object.fromEntries(alerter.deliveryFailures) }, 'alerter stopped');
    return 0;
  } finally {
    metrics?.close();
    // The sinks (a Kafka producer holds a connection open) close however the run ended.
    for (const s of sinks) await s.close?.().catch(() => undefined);
    await store.close();
  }
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** All option problems at once, then the config file merged with the command-line overrides. */
export function resolveOptions(values: Values): { config: AlerterConfig; store: StoreOptions; format: 'json' | 'text'; metricsPort: number | null; metricsHost: string } {
  const problems: string[] = [];
  if (values.data !== undefined && values.clickhouse !== undefined) problems.push('--data and --clickhouse exclude each other');
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'text') problems.push(`--format ${format}: expected json or text`);
  if (values.format !== undefined && !values.once) problems.push('--format applies to --once');
  if (values.interval !== undefined && Number.isNaN(parseDuration(values.interval))) problems.push(`--interval ${values.interval}: expected a duration like 30s`);
  if ((values['kafka-brokers'] === undefined) !== (values['kafka-topic'] === undefined)) problems.push('--kafka-brokers and --kafka-topic go together');
  const portText = values['metrics-port'];
  const metricsPort = portText === undefined ? null : Number(portText);
  if (metricsPort !== null && !(/^\d+$/.test(portText!) && metricsPort <= 65535)) problems.push(`--metrics-port ${portText}: expected a port number 0..65535`);
  if (metricsPort !== null && values.once) problems.push('--metrics-port does not apply to --once');
  if (values['metrics-host'] !== undefined && metricsPort === null) problems.push('--metrics-host needs --metrics-port');
  let raw: Record<string, unknown> = {};
  if (values.config !== undefined) {
    try {
      raw = JSON.parse(readFileSync(values.config, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      problems.push(`--config ${values.config}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (problems.length > 0) throw new AlerterError('TCPLENS_ERR_ALERTER_BAD_OPTION', { problems: problems.join('; ') });
  if (values.interval !== undefined) raw = { ...raw, interval: values.interval };
  if (values.webhook !== undefined) raw = { ...raw, webhook: { ...(raw['webhook'] as object | undefined), url: values.webhook } };
  if (values['kafka-brokers'] !== undefined) raw = { ...raw, kafka: { brokers: values['kafka-brokers'].split(','), topic: values['kafka-topic'] } };
  const config = parseConfig(raw, values.config ?? '');
  const store: StoreOptions = {};
  if (values.clickhouse !== undefined) store.url = values.clickhouse;
  else if (values.data !== undefined) store.dataDir = values.data;
  if (values.database !== undefined) store.database = values.database;
  return { config, store, format: format as 'json' | 'text', metricsPort, metricsHost: values['metrics-host'] ?? '127.0.0.1' };
}

function textLine(e: AlertEvent): string {
  const scope = e.scope.kind === 'service' ? e.scope.server : e.scope.kind === 'custom' ? e.scope.key : 'overall';
  const base = e.baseline === null ? '-' : e.baseline.toFixed(4);
  return `${e.rule}\t${scope}\tobserved=${e.observed.toFixed(4)}\tbaseline=${base}\tsince=${new Date(Math.floor(e.startedUs / 1000)).toISOString()}\tuids=${e.exampleUids.join(',')}`;
}
