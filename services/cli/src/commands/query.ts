import { openStore, formatCsv, formatJson, formatTable, type QueryResult } from '@tcplens/store';
import { QUERY_USAGE } from '../usage.js';
import { Problems, STORE_OPTIONS, oneOf, parse, storeTarget } from '../options.js';


export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function render(result: QueryResult, format: OutputFormat): string {
  switch (format) {
    case 'table':
      return formatTable(result);
    case 'csv':
      return formatCsv(result);
    case 'json':
      return formatJson(result);
  }
}

export async function query(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...STORE_OPTIONS, format: { type: 'string', short: 'f' } });
  if (values.help) {
    process.stdout.write(QUERY_USAGE + '\n');
    return 0;
  }
  const problems = new Problems();
  const format = oneOf('format', values.format, OUTPUT_FORMATS, 'table', problems);
  const target = storeTarget(values, problems);
  if (positionals.length !== 1) problems.add('expected exactly one SQL statement (quote it)');
  problems.check();
  const store = await openStore(target);
  try {
    const result = await store.query(positionals[0]!);
    process.stdout.write(render(result, format));
  } finally {
    await store.close();
  }
  return 0;
}
