/**
 * `tcplens alerter`: evaluates the rules against the store, continuously (every `interval`) or
 * once (--once: prints the firing alerts, one JSON object per line, and exits).
 *
 *   tcplens alerter [--data DIR | --clickhouse URL] [--database NAME] [--config FILE]
 *                   [--once [--format json|text]] [--interval DUR] [--webhook URL]
 *                   [--kafka-brokers HOST:PORT,...] [--kafka-topic TOPIC]
 *
 * An embedded store (--data) can be opened by one process at a time: run the continuous alerter
 * against a ClickHouse server (--clickhouse) when another process writes, or use --once between runs.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { openStore, type StoreOptions } from '@tcplens/store';
import { alertJson, type AlertEvent } from './alert.js';
import { parseConfig, parseDuration, type AlerterConfig } from './config.js';
import { AlerterError } from './errors.js';
import { Alerter, type Sink } from './evaluator.js';
import { logSink } from './log-sink.js';
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
  help: { type: 'boolean', short: 'h' },
} as const;

export interface RunIo {
  stdout: (s: string) => void;
  /** Resolves when the continuous alerter should stop (default: SIGINT or SIGTERM). */
  stopSignal?: Promise<void>;
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
  const { config, store: storeOpts, format } = resolveOptions(values);
  const log = pino({ base: { component: 'alerter' } }, pino.destination({ fd: 2, sync: true }));
  const store = await openStore(storeOpts);
  const sinks: Sink[] = [];
  try {
    if (values.once) {
      const alerter = new Alerter(store, config);
      const ev = await alerter.evaluate();
      for (const e of ev.firing) io.stdout(format === 'json' ? `${JSON.stringify(alertJson(e))}\n` : `${textLine(e)}\n`);
      return 0;
    }
    sinks.push(logSink(log));
    if (config.webhook) sinks.push(webhookSink(config.webhook));
    // kafkajs loads only when a topic is configured
    if (config.kafka) sinks.push(await (await import('./kafka-sink.js')).kafkaSink(config.kafka));
    const alerter = new Alerter(store, config, sinks);
    const stop = io.stopSignal ?? new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    let stopped = false;
    void stop.then(() => (stopped = true));
    log.info({ rules: config.rules.map((r) => r.name), intervalMs: config.intervalMs, store: store.target }, 'alerter started');
    while (!stopped) {
      const ev = await alerter.evaluate();
      log.debug({ nowUs: ev.nowUs, firing: ev.firing.length, elapsedMs: Math.round(ev.elapsedMs) }, 'evaluated');
      await Promise.race([stop, new Promise((r) => setTimeout(r, config.intervalMs).unref())]);
    }
    log.info({ deliveryFailures: Object.fromEntries(alerter.deliveryFailures) }, 'alerter stopped');
    await alerter.close();
    return 0;
  } finally {
    await store.close();
  }
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** All option problems at once, then the config file merged with the command-line overrides. */
export function resolveOptions(values: Values): { config: AlerterConfig; store: StoreOptions; format: 'json' | 'text' } {
  const problems: string[] = [];
  if (values.data !== undefined && values.clickhouse !== undefined) problems.push('--data and --clickhouse exclude each other');
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'text') problems.push(`--format ${format}: expected json or text`);
  if (values.format !== undefined && !values.once) problems.push('--format applies to --once');
  if (values.interval !== undefined && Number.isNaN(parseDuration(values.interval))) problems.push(`--interval ${values.interval}: expected a duration like 30s`);
  if ((values['kafka-brokers'] === undefined) !== (values['kafka-topic'] === undefined)) problems.push('--kafka-brokers and --kafka-topic go together');
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
  return { config, store, format: format as 'json' | 'text' };
}

function textLine(e: AlertEvent): string {
  const scope = e.scope.kind === 'service' ? e.scope.server : e.scope.kind === 'custom' ? e.scope.key : 'overall';
  const base = e.baseline === null ? '-' : e.baseline.toFixed(4);
  return `${e.rule}\t${scope}\tobserved=${e.observed.toFixed(4)}\tbaseline=${base}\tsince=${new Date(Math.floor(e.startedUs / 1000)).toISOString()}\tuids=${e.exampleUids.join(',')}`;
}
