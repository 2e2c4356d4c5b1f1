import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COLUMNS } from './columns.js';
import { COLUMNS_BEGIN, COLUMNS_END, ROLLUP_BEGIN, ROLLUP_END, renderColumnsMarkdown, renderRollupColumnsMarkdown } from './schema-doc.js';
import { ROLLUP_COLUMNS } from './rollup.js';
import { StoreErrorCode } from './errors.js';
import { openStore, type Store } from './store.js';
import { makeRecord, tempDir } from './test-records.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/schema.md', import.meta.url)), 'utf8');

describe('docs/schema.md', () => {
  it('lists exactly the columns of the column table, in order, with their types', () => {
    const block = doc.slice(doc.indexOf(COLUMNS_BEGIN) + COLUMNS_BEGIN.length, doc.indexOf(COLUMNS_END));
    // Parsed independently of the renderer: every "| `name` | `type` | ... |" row.
    const listed = [...block.matchAll(/^\| `([^`]+)` \| `([^`]+)` \|/gm)].map((m) => [m[1], m[2]]);
    const expected = COLUMNS.map((c) => [c.name, 'default' in c ? `${c.type} DEFAULT ${c.default}` : c.type]);
    assert.deepEqual(listed, expected);
    assert.equal(block.trim(), renderColumnsMarkdown(), 'regenerate with: node packages/store/dist/write-schema-doc.js');
  });

  it('lists exactly the rollup columns of rollup.ts, in order, with their types', () => {
    const block = doc.slice(doc.indexOf(ROLLUP_BEGIN) + ROLLUP_BEGIN.length, doc.indexOf(ROLLUP_END));
    const listed = [...block.matchAll(/^\| `([^`]+)` \| `([^`]+)` \|/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(listed, ROLLUP_COLUMNS.map((c) => [c.name, c.type]));
    assert.equal(block.trim(), renderRollupColumnsMarkdown(), 'regenerate with: node packages/store/dist/write-schema-doc.js');
  });

  it('lists exactly the error codes of errors.ts', () => {
    const listed = [...doc.matchAll(/^\| `(TCPLENS_ERR_[A-Z_]+)` \| (yes|no) \|/gm)].map((m) => [m[1], m[2] === 'yes']);
    assert.deepEqual(listed.sort(), Object.entries(StoreErrorCode).map(([k, v]) => [k, v.retriable]).sort());
  });

  describe('example queries run', () => {
    let store: Store;
    after(() => store?.close());
    it('every statement in "Example queries" runs against a store with data', async () => {
      store = await openStore({ dataDir: tempDir('doc') });
      const w = store.writer();
      w.write(makeRecord());
      await w.flush();
      const section = doc.slice(doc.indexOf('## Example queries'));
      const sql = /```sql\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
      const statements = sql.replace(/--.*$/gm, '').split(';').map((s) => s.trim()).filter((s) => s.length > 0);
      assert.equal(statements.length, 4);
      const params = { addr: '10.0.0.1', port: 80, from: '2023-11-14 22:00:00', to: '2023-11-14 23:00:00' };
      const counts = [];
      for (const s of statements) counts.push((await store.query(s, params)).rows.length);
      assert.deepEqual(counts, [1, 1, 1, 1]);
    });
  });
});
