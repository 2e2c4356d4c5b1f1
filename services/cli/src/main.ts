import { ALERTER_USAGE } from '@tcplens/alerter/usage';
import { SENSOR_USAGE } from '@tcplens/sensor/options';
import { TRACKER_USAGE } from '@tcplens/tracker/options';
import { ANALYZE_USAGE, QUERY_USAGE, REPORT_USAGE, RUN_USAGE } from './usage.js';
import { isUserError } from './errors.js';

/**
 * Commands load lazily: the embedded ClickHouse engine (chdb) and the libpcap binding are loaded
 * only by the commands that use them (`analyze --no-store` never maps libchdb).
 */
const COMMANDS = {
  analyze: async (a: string[]) => (await import('./commands/analyze.js')).analyze(a),
  run: async (a: string[]) => (await import('./commands/run.js')).run(a),
  query: async (a: string[]) => (await import('./commands/query.js')).query(a),
  report: async (a: string[]) => (await import('./commands/report.js')).report(a),
  sensor: async (a: string[]) => (await import('@tcplens/sensor')).runSensor(a),
  tracker: async (a: string[]) => (await import('@tcplens/tracker')).runTracker(a),
  alerter: async (a: string[]) => (await import('@tcplens/alerter')).runAlerter(a),
} as const;
type Command = keyof typeof COMMANDS;

const USAGE = `tcplens — TCP connection lifecycles from packet captures, queryable in SQL

${ANALYZE_USAGE}

${RUN_USAGE}

${SENSOR_USAGE}

${TRACKER_USAGE}

${QUERY_USAGE}

${REPORT_USAGE}

${ALERTER_USAGE}
`;

/** Runs one command; returns the exit code. User errors become one line on stderr, never a stack. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    process.stderr.write(`tcplens: unknown command '${name}' (expected ${Object.keys(COMMANDS).join(', ')}); see tcplens --help\n`);
    return 2;
  }
  try {
    return await COMMANDS[name as Command](rest);
  } catch (err) {
    if (isUserError(err)) {
      process.stderr.write(`tcplens: ${err.message}\n`);
      return err.code === 'TCPLENS_ERR_USAGE' || err.code === 'TCPLENS_ERR_CONFIG' ? 2 : 1;
    }
    throw err;
  }
}
