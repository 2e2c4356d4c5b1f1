/**
 * The column list of docs/schema.md, rendered from the column table. The doc keeps it between
 * <!-- columns:begin --> and <!-- columns:end -->; schema-doc.test.ts fails when they differ.
 * Regenerate with: node packages/store/dist/write-schema-doc.js
 */
import { COLUMNS, type ColumnDef } from './columns.js';

export const COLUMNS_BEGIN = '<!-- columns:begin (generated from packages/store/src/columns.ts) -->';
export const COLUMNS_END = '<!-- columns:end -->';

export function renderColumnsMarkdown(columns: readonly ColumnDef[] = COLUMNS): string {
  const rows = columns.map((c) => {
    const type = c.default === undefined ? c.type : `${c.type} DEFAULT ${c.default}`;
    return `| \`${c.name}\` | \`${type}\` | ${c.doc.replace(/\|/g, '\\|')} |`;
  });
  return ['| column | type | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** Replaces the generated block inside a document; throws when the markers are missing. */
export function replaceColumnsBlock(doc: string, rendered: string = renderColumnsMarkdown()): string {
  const start = doc.indexOf(COLUMNS_BEGIN);
  const end = doc.indexOf(COLUMNS_END);
  if (start < 0 || end < start) throw new Error('docs/schema.md has no columns:begin/columns:end markers');
  return doc.slice(0, start + COLUMNS_BEGIN.length) + '\n' + rendered + '\n' + doc.slice(end);
}
