/** Rewrites the generated column list in docs/schema.md from the column table. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replaceColumnsBlock } from './schema-doc.js';

const path = fileURLToPath(new URL('../../../docs/schema.md', import.meta.url));
writeFileSync(path, replaceColumnsBlock(readFileSync(path, 'utf8')));
console.log(`updated ${path}`);
