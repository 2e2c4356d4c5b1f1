import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { WIRE_ERRORS, WireError } from './index.js';

test('docs/wire-format.md lists exactly the error codes of the table', () => {
  const doc = readFileSync(new URL('../../../docs/wire-format.md', import.meta.url), 'utf8');
  const documented = new Set(doc.match(/TCPLENS_ERR_WIRE_[A-Z_]+/g));
  assert.deepEqual([...documented].sort(), Object.keys(WIRE_ERRORS).sort());
});

test('WireError carries its code and the table retriable flag', () => {
  const e = new WireError('TCPLENS_ERR_WIRE_CHECKSUM', 'x');
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'WireError');
  assert.equal(e.code, 'TCPLENS_ERR_WIRE_CHECKSUM');
  assert.equal(e.retriable, false);
  for (const v of Object.values(WIRE_ERRORS)) assert.equal(v.retriable, false);
});
