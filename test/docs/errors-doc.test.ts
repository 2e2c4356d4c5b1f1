/** docs/errors.md must list exactly the error codes of every package's table: the docs cannot drift. */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PacketErrorCode } from '@tcplens/packet';
import { WIRE_ERRORS } from '@tcplens/wire';
import { LifecycleErrorCode } from '@tcplens/lifecycle';
import { StoreErrorCode } from '@tcplens/store';
import { CLI_ERRORS } from '@tcplens/cli';
import { CaptureErrorCode } from '@tcplens/capture';
import { KAFKA_ERRORS } from '@tcplens/kafka';
import { ALERTER_ERRORS } from '@tcplens/alerter';
import { REPO_ROOT } from '../support/tcplens-cli.js';

test('docs/errors.md lists exactly the codes of every error table, each with its retriable flag', () => {
  const tables = [CLI_ERRORS, PacketErrorCode, WIRE_ERRORS, LifecycleErrorCode, StoreErrorCode, CaptureErrorCode, KAFKA_ERRORS, ALERTER_ERRORS];
  const expected = new Map<string, boolean | string>();
  for (const t of tables) {
    for (const [code, v] of Object.entries(t as Record<string, { retriable: boolean | string }>)) {
      assert.ok(!expected.has(code), `${code} is defined by two packages`);
      expected.set(code, v.retriable);
    }
  }
  const doc = readFileSync(join(REPO_ROOT, 'docs/errors.md'), 'utf8');
  const documented = new Map<string, boolean | string>();
  for (const m of doc.matchAll(/^\| `(TCPLENS_ERR_[A-Z0-9_]+)` \| (yes|no|from cause) \|/gm)) documented.set(m[1]!, m[2] === 'yes' ? true : m[2] === 'no' ? false : m[2]!);
  assert.deepEqual([...documented.keys()].sort(), [...expected.keys()].sort());
  for (const [code, retriable] of expected) assert.equal(documented.get(code), retriable, `${code} retriable`);
});
