/**
 * The column list of docs/schema.md, rendered from the column table. The doc keeps it between
 * <!-- columns:begin --> and <!-- columns:end -->; schema-doc.test.ts fails when they differ.
 * Regenerate with: node packages/store/dist/write-schema-doc.js
 */
import { COLUMNS, type ColumnDef } from './columns.js';
import { ROLLUP_COLUMNS, type RollupColumn } from './rollup.js';

export const COLUMNS_BEGIN = '<!-- columns:begin (generated from packages/store/src/columns.ts) -->';
export const COLUMNS_END = '<!-- columns:end -->';

export function renderColumnsMarkdown(columns: readonly ColumnDef[] = COLUMNS): string {
  const rows = columns.map((c) => {
    const type = c.default === undefined ? c.type : `${c.type} DEFAULT ${c.default}`;
    return `| \`${c.name}\` | \`${type}\` | ${c.doc.replace(/\|/g, '\\|')} |`;
  });
  return ['| column | type | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export const ROLLUP_BEGIN = '<!-- rollup-columns:begin (generated from packages/store/src/rollup.ts) -->';
export const ROLLUP_END = '<!-- rollup-columns:end -->';

export function renderRollupColumnsMarkdown(columns: readonly RollupColumn[] = ROLLUP_COLUMNS): string {
  const rows = columns.map((c) => `| \`${c.name}\` | \`${c.type}\` | \`${c.expr.replace(/\|/g, '\\|')}\` | ${c.doc.replace(/\|/g, '\\|')} |`);
  return ['| column | type | from | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function replaceBlock(doc: string, begin: string, end: string, rendered: string): string {
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`docs/schema.md has no ${begin} / ${end} markers`);
  return doc.slice(0, a + begin.length) + '\n' + rendered + '\n' + doc.slice(b);
}

/** Replaces the generated blocks inside a document; throws when the markers are missing. */
export function replaceColumnsBlock(doc: string, rendered: string = renderColumnsMarkdown()): string {
  const withColumns = replaceBlock(doc, COLUMNS_BEGIN, COLUMNS_END, rendered);
  return replaceBlock(withColumns, ROLLUP_BEGIN, ROLLUP_END, renderRollupColumnsMarkdown());
}
