/**
 * `tcplens alerter` as its own process, the way a deployment runs it: it keeps evaluating until it
 * is told to stop (a version that exited silently after its first cycle passed every in-process
 * test), serves /metrics, and stops cleanly on SIGTERM.
 */
import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT, TCPLENS_BIN, tcplens } from '../support/tcplens-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tcplens-alerter-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function sample(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

test('tcplens alerter keeps evaluating every --interval until SIGTERM, then exits 0', { timeout: 60_000 }, async () => {
  const data = join(dir, 'data');
  const a = await tcplens(['analyze', '--data', data, join(REPO_ROOT, 'packages/packet/testdata/lo-http.pcap')]);
  assert.equal(a.code, 0, a.stderr);
  const child = spawn(process.execPath, [TCPLENS_BIN, 'alerter', '--data', data, '--interval', '200ms', '--metrics-port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const log: Record<string, unknown>[] = [];
  let url = '';
  createInterface({ input: child.stderr! }).on('line', (l) => {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(l) as Record<string, unknown>;
    } catch {
      o = { text: l }; // a runtime warning, not a log line
    }
    log.push(o);
    if (o['msg'] === 'metrics endpoint') url = String(o['metrics']);
  });
  try {
    let cycles = 0;
    let text = '';
    for (let i = 0; i < 200 && cycles < 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (child.exitCode !== null) break;
      if (url === '') continue;
      text = await (await fetch(url)).text();
      cycles = sample(text, 'tcplens_alerter_cycles_total');
    }
    assert.equal(child.exitCode, null, `the alerter exited on its own: ${JSON.stringify(log)}`);
    assert.ok(cycles >= 5, `cycles ${cycles}`);
    assert.equal(sample(text, 'tcplens_alerter_failed_cycles_total'), 0);
    assert.ok(sample(text, 'tcplens_alerter_last_success_timestamp_seconds') > Date.now() / 1000 - 30);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(log.some((o) => o['msg'] === 'alerter stopped'), 'logs its stop');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
