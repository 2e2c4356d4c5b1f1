/**
 * Option parsing shared by the long-running services (sensor, tracker): node:util parseArgs with our error code, and a
 * problem list so every bad option is reported at once (fastify's rule: validate once, at start).
 *
 * serviceOptions() adds the two other sources a deployed service takes its settings from: a JSON
 * config file (`--config FILE`, keys are the long option names) and the environment
 * (`TCPLENS_<SERVICE>_<OPTION>`, e.g. TCPLENS_SENSOR_HEARTBEAT_MS). A flag beats the environment,
 * which beats the file; every problem of every source is collected before anything is reported.
 */
import { readFileSync } from 'node:fs';
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

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
type Value = string | boolean | (string | boolean)[] | undefined;

/** The environment variable of a service's option: TCPLENS_SENSOR_HEARTBEAT_MS for ('sensor', 'heartbeat-ms'). */
export function envName(service: string, option: string): string {
  return `TCPLENS_${service.toUpperCase()}_${option.toUpperCase().replace(/-/g, '_')}`;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

/** One option's value from the environment or the file, converted to what parseArgs would give; undefined when unusable. */
function convert(spec: OptionSpecs[string], raw: unknown, where: string, problems: Problems): Value {
  const scalar = (v: unknown): string | boolean | undefined => {
    if (spec.type === 'boolean') {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && TRUE.has(v.toLowerCase())) return true;
      if (typeof v === 'string' && FALSE.has(v.toLowerCase())) return false;
      problems.add(`${where}: expected true or false, got ${JSON.stringify(v)}`);
      return undefined;
    }
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    problems.add(`${where}: expected a string or a number, got ${JSON.stringify(v)}`);
    return undefined;
  };
  if (spec.multiple) {
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((x) => x.trim()).filter((x) => x !== '') : [raw];
    const out = list.map(scalar);
    return out.every((x) => x !== undefined) ? (out as (string | boolean)[]) : undefined;
  }
  return scalar(raw);
}

/**
 * Flags (`args`), then the environment, then `--config FILE`: the values of `options` (plus
 * `config`), the positionals, and the Problems collected so far, for the caller's own checks.
 * `envAliases` names further environment variables of an option (KAFKA_BROKERS for brokers),
 * read after the service's own. `exclusive` lists groups of options of which one source may set
 * only one: an option is not taken from the environment or the file when another of its group is
 * already set by a source that wins (a flag's --clickhouse over TCPLENS_DATA); one source
 * setting two of a group is left for the caller to report.
 */
export function serviceOptions<O extends OptionSpecs>(
  service: string,
  args: string[],
  options: O,
  env: NodeJS.ProcessEnv,
  extra: { envAliases?: Partial<Record<keyof O & string, string[]>>; exclusive?: (keyof O & string)[][] } = {},
): { values: ReturnType<typeof parseOptions<O>>['values']; positionals: string[]; problems: Problems } {
  const { values, positionals } = parseOptions(args, { ...options, config: { type: 'string' } });
  const problems = new Problems();
  const out = values as Record<string, Value>;
  const configurable = Object.keys(options).filter((k) => k !== 'help');
  const envAliases = (extra.envAliases ?? {}) as Record<string, string[]>;
  const groups = (extra.exclusive ?? []) as string[][];
  /** Whether another option of k's exclusive group was set before `source` filled it. */
  const setBefore = new Set(configurable.filter((k) => out[k] !== undefined));
  const blocked = (k: string): boolean => groups.some((g) => g.includes(k) && g.some((o) => o !== k && setBefore.has(o)));
  // The environment.
  const fromEnv = new Set<string>();
  for (const k of configurable) {
    if (out[k] !== undefined || blocked(k)) continue;
    for (const name of [envName(service, k), ...(envAliases[k] ?? [])]) {
      const raw = env[name];
      if (raw === undefined || raw.trim() === '') continue; // set but empty (${VAR:-} in compose): unset
      const v = convert(options[k]!, raw, name, problems);
      if (v !== undefined) out[k] = v;
      fromEnv.add(k);
      break;
    }
  }
  for (const k of fromEnv) setBefore.add(k);
  // The file.
  const file = (out['config'] as string | undefined) ?? env[envName(service, 'config')];
  if (file !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      problems.add(`--config ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code !== undefined ? e.message : `not JSON (${e.message})`}`);
    }
    if (parsed !== undefined) {
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        problems.add(`--config ${file}: expected a JSON object of option names and values`);
      } else {
        for (const [k, raw] of Object.entries(parsed)) {
          if (!configurable.includes(k)) {
            problems.add(`--config ${file}: unknown option "${k}"`);
            continue;
          }
          const v = convert(options[k]!, raw, `--config ${file}: "${k}"`, problems);
          if (v !== undefined && out[k] === undefined && !fromEnv.has(k) && !blocked(k)) out[k] = v;
        }
      }
    }
  }
  return { values: out as ReturnType<typeof parseOptions<O>>['values'], positionals, problems };
}
