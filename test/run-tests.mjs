#!/usr/bin/env node
// Runs every compiled test with node's test runner, one file at a time: several packages' tests
// capture real traffic on the loopback interface (a 100k-datagram burst among them), and a capture
// must not share lo with another test's load. Unit tests (beside the code, compiled to dist/) first,
// then the end-to-end tests (test/dist/).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2); // optional substrings to filter test files

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const unit = [];
for (const group of ['packages', 'services']) {
  for (const pkg of readdirSync(join(root, group))) findTests(join(root, group, pkg, 'dist'), unit);
}
const e2e = findTests(join(root, 'test', 'dist'));
const pick = (files) => files.filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();

let failed = false;
for (const [files, concurrency] of [[pick(unit), 1], [pick(e2e), 1]]) {
  if (files.length === 0) continue;
  console.log(`# running ${files.length} test file(s): ${files.map((f) => relative(root, f)).join(' ')}`);
  const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], {
    stdio: 'inherit',
    cwd: root,
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
