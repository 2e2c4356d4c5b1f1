import { openStore, buildReport, REPORT_NAMES, type ReportName } from '@tcplens/store';
import { REPORT_USAGE } from '../usage.js';
import { Problems, STORE_OPTIONS, oneOf, parse, storeTarget } from '../options.js';
import { OUTPUT_FORMATS, render } from './query.js';


export async function report(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    ...STORE_OPTIONS,
    format: { type: 'string', short: 'f' },
    since: { type: 'string' },
    server: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(REPORT_USAGE + '\n');
    return 0;
  }
  const problems = new Problems();
  const format = oneOf('format', values.format, OUTPUT_FORMATS, 'table', problems);
  const target = storeTarget(values, problems);
  if (positionals.length !== 1) problems.add(`expected one report: ${REPORT_NAMES.join(', ')}`);
  const kind: ReportName = oneOf('report', positionals[0], REPORT_NAMES, REPORT_NAMES[0], problems);
  const opts: { since?: string; server?: string } = {};
  if (values.since !== undefined) opts.since = values.since;
  if (values.server !== undefined) opts.server = values.server;
  try {
    buildReport(kind, opts); // validates --since and --server with the other options
  } catch (err) {
    problems.add((err as Error).message);
  }
  problems.check();
  const store = await openStore(target);
  try {
    const result = await store.report(kind, opts);
    process.stdout.write(render(result, format));
  } finally {
    await store.close();
  }
  return 0;
}
