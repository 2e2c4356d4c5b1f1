/**
 * Bad input as a user meets it: one clear line on stderr naming the problem, a non-zero exit code,
 * no stack trace — and for a truncated capture, the packets before the cut are kept.
 */
import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, tcplens } from '../support/tcplens-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tcplens-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixture = join(REPO_ROOT, 'packages/packet/testdata/lo-http.pcap');

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  return lines[0]!;
}

test('a file that is not a capture: exit 1, one line naming the file and what was expected', async () => {
  const f = join(dir, 'notes.txt');
  writeFileSync(f, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const r = await tcplens(['analyze', '--no-store', f]);
  assert.equal(r.code, 1);
  const line = oneLine(r.stderr);
  assert.ok(line.startsWith(`tcplens: ${f}: `), line);
  assert.match(line, /pcap/);
  assert.match(line, /expected/);
});

test('a missing file and a bad option value are reported together, exit 2', async () => {
  const r = await tcplens(['analyze', '--format', 'xml', join(dir, 'nope.pcap')]);
  assert.equal(r.code, 2);
  const line = oneLine(r.stderr);
  assert.match(line, /2 problems/);
  assert.match(line, /--format xml/);
  assert.match(line, /nope\.pcap: no such file/);
});

test('an unknown option and an unknown command are usage errors', async () => {
  const a = await tcplens(['analyze', '--frobnicate', fixture]);
  assert.equal(a.code, 2);
  assert.match(oneLine(a.stderr), /frobnicate/);
  const b = await tcplens(['analyse', fixture]);
  assert.equal(b.code, 2);
  assert.match(oneLine(b.stderr), /unknown command 'analyse'/);
});

test('a truncated capture: the packets before the cut are analysed and the truncation reported', async () => {
  const whole = readFileSync(fixture);
  const cut = join(dir, 'cut.pcap');
  writeFileSync(cut, whole.subarray(0, whole.length - 7));
  const full = await tcplens(['analyze', '--no-store', '--format', 'json', fixture]);
  const part = await tcplens(['analyze', '--no-store', '--format', 'json', cut]);
  assert.equal(full.code, 0, full.stderr);
  assert.equal(part.code, 0, part.stderr);
  assert.match(part.stderr, /truncated/);
  const n = (s: string): number => s.trim().split('\n').length;
  assert.equal(n(part.stdout), n(full.stdout), 'the same connections, minus nothing but the last packet');
  const summary = await tcplens(['analyze', '--no-store', cut]);
  assert.match(summary.stdout, /warning: the capture is truncated \(\d+ trailing bytes/);
});

test('an unwritable data directory: exit 1, one line naming it', async () => {
  const blocker = join(dir, 'a-file');
  writeFileSync(blocker, 'x');
  const data = join(blocker, 'store');
  const r = await tcplens(['analyze', '--data', data, fixture]);
  assert.equal(r.code, 1);
  assert.match(oneLine(r.stderr), new RegExp(data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});

test('an unreachable ClickHouse URL: exit 1, one line naming the URL', async () => {
  const r = await tcplens(['query', '--clickhouse', 'http://127.0.0.1:1', 'SELECT 1']);
  assert.equal(r.code, 1);
  assert.match(oneLine(r.stderr), /http:\/\/127\.0\.0\.1:1/);
});

test('stdin: `-` reads a capture from a pipe', async () => {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'services/cli/bin/tcplens.js'), 'analyze', '--no-store', '--format', 'json', '-'], {
    input: readFileSync(fixture),
    encoding: 'utf8',
  });
  const file = await tcplens(['analyze', '--no-store', '--format', 'json', fixture]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, file.stdout);
});
