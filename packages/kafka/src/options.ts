import { KafkaError } from './errors.js';
import { COMPRESSIONS, LOG_LEVELS } from './types.js';
import type { KafkaOptions, ProducerOptions } from './types.js';

export type ResolvedKafkaOptions = Readonly<Required<Omit<KafkaOptions, 'logger'>>> & Pick<KafkaOptions, 'logger'>;
export type ResolvedProducerOptions = Readonly<Required<ProducerOptions>>;

const HOST_PORT = /^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;

function fail(problems: string[], what: string): void {
  if (problems.length > 0) throw new KafkaError('TCPLENS_ERR_KAFKA_OPTIONS', `invalid ${what} options: ${problems.join('; ')}`);
}

/** Checks every field, reports all problems in one error, returns a frozen copy with defaults. */
export function resolveKafkaOptions(o: KafkaOptions): ResolvedKafkaOptions {
  const problems: string[] = [];
  if (!Array.isArray(o.brokers) || o.brokers.length === 0) problems.push('brokers must list at least one "host:port"');
  else for (const b of o.brokers) if (typeof b !== 'string' || !HOST_PORT.test(b)) problems.push(`broker "${String(b)}" is not "host:port"`);
  if (typeof o.clientId !== 'string' || o.clientId.length === 0) problems.push('clientId must be a non-empty string');
  const logLevel = o.logLevel ?? 'warn';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`logLevel must be one of ${LOG_LEVELS.join('|')}`);
  const connectionTimeoutMs = o.connectionTimeoutMs ?? 1000;
  if (!Number.isInteger(connectionTimeoutMs) || connectionTimeoutMs <= 0) problems.push('connectionTimeoutMs must be a positive integer');
  const retries = o.retries ?? 5;
  if (!Number.isInteger(retries) || retries < 0) problems.push('retries must be an integer >= 0');
  fail(problems, 'Kafka client');
  return Object.freeze({ brokers: Object.freeze([...o.brokers]), clientId: o.clientId, logger: o.logger, logLevel, connectionTimeoutMs, retries });
}

export function resolveProducerOptions(o: ProducerOptions): ResolvedProducerOptions {
  const problems: string[] = [];
  const idempotent = o.idempotent ?? true;
  const acks = o.acks ?? 'all';
  const compression = o.compression ?? 'none';
  if (acks !== 'all' && acks !== 'leader') problems.push("acks must be 'all' or 'leader'");
  if (idempotent && acks !== 'all') problems.push("an idempotent producer needs acks 'all'");
  if (!COMPRESSIONS.includes(compression)) problems.push(`compression must be one of ${COMPRESSIONS.join('|')}`);
  fail(problems, 'producer');
  return Object.freeze({ idempotent, acks, compression });
}
