/**
 * Option parsing shared by the long-running services (sensor, tracker): node:util parseArgs with our error code, and a
 * problem list so every bad option is reported at once (fastify's rule: validate once, at start).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const CONFIG_ERRORS = {
  TCPLENS_ERR_CONFIG: { retriable: false, summary: 'bad command-line options or environment' },
} as const;
export type ConfigErrorCode = keyof typeof CONFIG_ERRORS;

export class ConfigError extends Error {
  readonly code: ConfigErrorCode = 'TCPLENS_ERR_CONFIG';
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function parseOptions<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

export class Problems {
  private readonly list: string[] = [];
  add(msg: string): void {
    this.list.push(msg);
  }
  check(): void {
    if (this.list.length === 1) throw new ConfigError(this.list[0]!);
    if (this.list.length > 1) throw new ConfigError(`${this.list.length} problems: ${this.list.join('; ')}`);
  }
}

/** "host:port[,host:port...]" from the option or KAFKA_BROKERS; adds a problem when neither is usable. */
export function brokerList(value: string | undefined, env: NodeJS.ProcessEnv, problems: Problems): string[] {
  const raw = value ?? env['KAFKA_BROKERS'];
  if (raw === undefined || raw.trim() === '') {
    problems.add('--brokers: name the Kafka bootstrap brokers (HOST:PORT[,...]) or set KAFKA_BROKERS');
    return [];
  }
  const list = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const b of list) if (!/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(b)) problems.add(`--brokers: "${b}" is not HOST:PORT`);
  return list;
}

/** A number option within [min, max]; the default when absent. */
export function numberOption(name: string, value: string | undefined, dflt: number, min: number, max: number, problems: Problems): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    problems.add(`--${name} ${value}: expected a number in ${min}..${max}`);
    return dflt;
  }
  return n;
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], dflt: T, problems: Problems): T {
  if (value === undefined) return dflt;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.add(`--${name} ${value}: expected one of ${allowed.join(', ')}`);
  return dflt;
}
