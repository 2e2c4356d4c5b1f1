// The bench capture generator on a small scale: real wrk + abort clients + tcpdump, then the
// counts are checked against tshark and tcpdump (not against the generator's own scanner).
import { test } from 'node:test';
import { integration } from '../support/requirements.js';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../support/run-command.js';
import { makeCapture } from './make-capture.js';
import { scaleCapture } from './scale-capture.js';

const tsharkCount = async (file: string, filter: string): Promise<number> => {
  const r = await runCommand('tshark', ['-r', file, '-n', '-Y', filter, '-T', 'fields', '-e', 'frame.number']);
  return r.stdout.split('\n').filter((l) => l !== '').length;
};

test('make-capture records N real packets with RSTs and refusals, and reuses its cache', integration(['tcpdump', 'tshark', 'wrk', 'editcap', 'mergecap', 'capinfos'], true), async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-bench-'));
  try {
    const out = join(dir, 'small.pcap');
    const s = await makeCapture({ packets: 20_000, out });
    assert.equal(s.cached, false);
    assert.equal(s.packets, 20_000);
    assert.equal(s.droppedByKernel, 0);
    assert.equal((await runCommand('tcpdump', ['-r', out, '--count'])).stdout.trim(), '20000 packets');
    const c = s.census;
    assert.equal(c.packets, 20_000);
    assert.equal(c.attempts, await tsharkCount(out, 'tcp.flags.syn==1 && tcp.flags.ack==0'));
    assert.equal(c.ipv6Packets, await tsharkCount(out, 'ipv6'));
    const rsts = await tsharkCount(out, 'tcp.flags.reset==1');
    assert.equal(c.refused + c.clientRstPackets + c.serverRstPackets, rsts);
    assert.ok(c.refused > 0 && c.clientRstPackets > 0 && c.ipv6Packets > 0, JSON.stringify(c));
    assert.ok(c.refused + c.clientRstPackets < c.attempts / 4, 'short HTTP connections are the majority');
    // Every attempt was accepted or refused, except attempts cut off by the packet limit.
    assert.ok(c.attempts - c.accepted - c.refused <= 16 + 2, JSON.stringify(c));

    const again = await makeCapture({ packets: 20_000, out });
    assert.equal(again.cached, true);
    assert.equal(statSync(out).size, s.bytes, 'the cached file is not rewritten');

    const big = join(dir, 'x3.pcap');
    const x3 = await scaleCapture(out, 3, big);
    assert.equal(x3.packets, 60_000);
    assert.equal((await runCommand('tcpdump', ['-r', big, '--count'])).stdout.trim(), '60000 packets');
    const info = (await runCommand('capinfos', ['-T', '-r', '-a', '-e', '-S', big])).stdout.trim().split('\t');
    const span = Number(info[2]) - Number(info[1]);
    assert.ok(span >= 2 * 3600 && span < 2 * 3600 + 60, `copies an hour apart: span ${span} s`);
    assert.equal((await scaleCapture(out, 3, big)).cached, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
