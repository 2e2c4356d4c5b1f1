/**
 * `tcplens run`: live capture through the project's libpcap binding on lo, tracked and stored in one
 * process, while the test makes connections whose outcome it knows. The records must match.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, loopbackServer } from '../support/loopback-server.js';
import { clientReset, normalClose, refused, serverClosesFirst, type ScenarioResult } from '../support/scenarios.js';
import { integration } from '../support/requirements.js';
import { TCPLENS_BIN, tcplens } from '../support/tcplens-cli.js';

const req = integration([], true);

/** Real, effective, saved and filesystem uid of a process (/proc/PID/status). */
function uids(pid: number): number[] {
  const line = /^Uid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';
  return line.trim().split(/\s+/).map(Number);
}

const asRoot = process.geteuid?.() === 0;

for (const dropTo of ['nobody', null] as const) {
  test(`tcplens run captures live on lo and stores every connection with its outcome (${dropTo === null ? 'default: keeps its privileges' : `--user ${dropTo}`})`, req, async () => {
    const drop = asRoot && dropTo !== null;
    const dir = mkdtempSync(join(tmpdir(), 'tcplens-run-'));
    chmodSync(dir, 0o755); // run --user nobody hands the store directory to nobody: it must be reachable
    try {
      const srv = await loopbackServer('127.0.0.1');
      const closed = await freePort('127.0.0.1');
      const data = join(dir, 'store');
      const child = spawn(process.execPath, [TCPLENS_BIN, 'run', '--interface', 'lo', '--filter', `tcp port ${srv.port} or tcp port ${closed}`, '--data', data, '--sensor-id', 'host-a', ...(dropTo === null ? [] : ['--user', dropTo])], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      const capturing = new Promise<void>((resolve, reject) => {
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          stderr += d;
          if (stderr.includes('capturing on')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`tcplens run exited early (${code}): ${stderr}`)));
      });
      await capturing;
      if (!drop) assert.doesNotMatch(stderr, /running as/);
      else {
        const nobody = statSync(data).uid;
        assert.notEqual(nobody, 0, 'the store directory was handed over');
        assert.deepEqual(uids(child.pid!), [nobody, nobody, nobody, nobody], stderr);
        assert.match(stderr, /running as nobody \(uid \d+\)/);
      }
      const done: ScenarioResult[] = [];
      done.push(await normalClose(srv), await clientReset(srv), await refused(closed), await serverClosesFirst(srv), await normalClose(srv));
      await srv.close();
      await new Promise((r) => setTimeout(r, 300)); // the capture thread hands over batches every 100 ms
      // While run holds the store, a query on the same directory goes through its endpoint.
      const during = await tcplens(['query', '--data', data, '--format', 'json', 'SELECT count() AS n FROM tcplens.connections']);
      assert.equal(during.code, 0, during.stderr);
      assert.equal(during.stderr, '');
      assert.match(during.stdout, /^\{"n":\d+\}\n$/);
      assert.equal(child.exitCode, null, 'run still capturing');
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      assert.match(stdout, new RegExp(`Connections: ${done.length}\\b`));
      assert.match(stdout, /kernel drops 0/);

      const q = await tcplens(['query', '--data', data, '--format', 'json', 'SELECT orig_p, resp_p, conn_state, rst_by, rst_phase, sensor_id, handshake_us FROM tcplens.connections']);
      assert.equal(q.code, 0, q.stderr);
      const rows = q.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(rows.length, done.length);
      for (const s of done) {
        const r = rows.find((x) => x['orig_p'] === s.clientPort && x['resp_p'] === s.serverPort);
        assert.ok(r, `${s.name}: no stored record`);
        assert.deepEqual([r['conn_state'], r['rst_by'], r['rst_phase'], r['sensor_id']], [s.expected.conn_state, s.expected.rst_by, s.expected.rst_phase, 'host-a'], s.name);
        if (s.expected.conn_state !== 'REJ') assert.ok(typeof r['handshake_us'] === 'number' && r['handshake_us'] > 0, `${s.name}: handshake timed`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

}

test('tcplens run --user nobody refuses to start when the store directory is out of its reach, and says what to do', req, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-run-')); // 0700: nobody cannot reach inside
  try {
    const data = join(dir, 'store');
    mkdirSync(data);
    const r = await tcplens(['run', '--interface', 'lo', '--filter', 'tcp port 9', '--data', data, '--user', 'nobody', '--duration', '5']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot drop privileges to nobody: the store directory \(--data\) .*store is not writable as nobody .*--user none/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(r.stderr, /capturing on/, 'never captured as root without saying so');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
