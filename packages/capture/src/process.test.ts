import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { captureSkipReason } from './test-support.js';

const CHILD = fileURLToPath(new URL('./test-child.js', import.meta.url));

/** Runs the child; kills it after 10 s so a hang is a failure with a reason, not a stuck suite. */
async function runChild(mode: string): Promise<{ code: number | null; out: Record<string, unknown>; ms: number }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [CHILD, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  assert.notEqual(code, null, `child hung and was killed; output: ${stdout}`);
  return { code, out: JSON.parse(stdout.trim()) as Record<string, unknown>, ms: Date.now() - t0 };
}

test('stop() delivers everything, ends the capture, and the process exits by itself', { skip: captureSkipReason(), timeout: 20_000 }, async () => {
  const { code, out } = await runChild('stop');
  assert.equal(code, 0);
  assert.equal(out.complete, true);
  assert.equal(out.state, 'stopped');
  assert.equal(out.batchesAfterStop, 0, 'no batch after stop() resolved');
  assert.equal((out.stats as { delivered: number }).delivered, 50);
});

test('dropPrivileges after open: the open capture keeps working, a new one is refused', { skip: captureSkipReason(), timeout: 20_000 }, async () => {
  const { code, out } = await runChild('drop');
  assert.equal(code, 0);
  assert.deepEqual(out.drop, { dropped: true, user: 'nobody', uid: 65534, gid: 65534 });
  assert.equal(out.uid, 65534);
  assert.equal(out.complete, true, 'capture opened as root still delivers after the drop');
  assert.equal((out.stats as { delivered: number }).delivered, 50);
  assert.equal(out.reopen, 'TCPLENS_ERR_CAPTURE_PERMISSION');
});

test('dropPrivileges is a no-op with a stated reason when the process is not root', { skip: captureSkipReason(), timeout: 20_000 }, async () => {
  const mod = new URL('./drop-privileges.js', import.meta.url).href;
  const script = `import(${JSON.stringify(mod)}).then((m) => console.log(JSON.stringify(m.dropPrivileges('root'))))`;
  const child = spawn('runuser', ['-u', 'nobody', '--', process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
  const r = JSON.parse(stdout) as { dropped: boolean; reason: string; uid: number };
  assert.equal(r.dropped, false);
  assert.equal(r.uid, 65534);
  assert.match(r.reason, /not running as root \(uid 65534\)/);
});

test('an exception thrown in onBatch is uncaught (not swallowed by N-API) and ends the process', { skip: captureSkipReason(), timeout: 20_000 }, async () => {
  const mod = new URL('./live-capture.js', import.meta.url).href;
  const script = `import(${JSON.stringify(mod)}).then(async ({ LiveCapture }) => {
    const c = new LiveCapture('lo', { filter: 'udp and dst port 9' });
    c.start(() => { throw new Error('boom from onBatch'); });
    const s = (await import('node:dgram')).createSocket('udp4');
    s.send('x', 9, '127.0.0.1', () => s.close());
  })`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  assert.equal(code, 1, `expected a crash, got ${code}; stderr: ${stderr}`);
  assert.match(stderr, /boom from onBatch/);
});

test('becomeUser hands a directory tree over without following the links inside it, then writes as the user', { skip: captureSkipReason() ?? (process.geteuid?.() === 0 ? undefined : 'needs root'), timeout: 20_000 }, async () => {
  const top = mkdtempSync(join(tmpdir(), 'tcplens-become-'));
  try {
    chmodSync(top, 0o755);
    const outside = join(top, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret'), 'root only');
    const real = join(top, 'store-real');
    mkdirSync(join(real, 'data', 'db'), { recursive: true });
    writeFileSync(join(real, 'data', 'db', 'part'), 'x');
    symlinkSync(outside, join(real, 'escape')); // a link out of the tree
    symlinkSync(real, join(real, 'data', 'loop')); // a link back up
    const store = join(top, 'store');
    symlinkSync(real, store); // the directory itself given as a link
    const mod = new URL('./drop-privileges.js', import.meta.url).href;
    const script = `import(${JSON.stringify(mod)}).then((m) => console.log(JSON.stringify(m.becomeUser('nobody', [{ path: ${JSON.stringify(store)}, recursive: true, what: 'store' }]))))`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), { dropped: true, uid: 65534, gid: 65534 });
    for (const p of [real, join(real, 'data'), join(real, 'data', 'db'), join(real, 'data', 'db', 'part')]) assert.equal(statSync(p).uid, 65534, p);
    assert.equal(lstatSync(join(real, 'escape')).uid, 65534, 'the link itself is handed over');
    assert.equal(statSync(outside).uid, 0, 'what a link points to keeps its owner');
    assert.equal(statSync(join(outside, 'secret')).uid, 0, 'what a link points to keeps its owner');
    assert.equal(lstatSync(store).uid, 0, 'the link given as the directory keeps its owner; its target is handed over');
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});
