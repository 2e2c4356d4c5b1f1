/**
 * Golden test on real kernel TCP traffic (testdata/make-scenarios.py: loopback, tcpdump), compared
 * with tshark's view of the same file captured at creation time (testdata/scenarios-tshark.json):
 * initial RTT, completeness and the per-direction analysis counts, stream by stream. conn_state,
 * history and teardown are checked against the tshark packet list by hand (comments).
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCapture, TcpFlag } from '@tcplens/packet';
import { ConnectionTracker } from './tracker.js';
import type { ConnectionRecord } from './record.js';

const dir = (f: string) => fileURLToPath(new URL(`../testdata/${f}`, import.meta.url));
interface Counts { retrans: number; out_of_order: number; dup_acks: number; zero_windows: number; keep_alives: number; lost_segments: number }
interface Stream { client_port: number; initial_rtt_us: number | null; completeness: number; orig: Counts; resp: Counts }
const golden = JSON.parse(readFileSync(dir('scenarios-tshark.json'), 'utf8')) as {
  scenarios: Record<string, number>;
  streams: Stream[];
};

async function records(): Promise<ConnectionRecord[]> {
  const out: ConnectionRecord[] = [];
  const tracker = new ConnectionTracker({}, (r) => out.push(r));
  await readCapture(createReadStream(dir('scenarios-loopback.pcap')), (p) => tracker.process(p));
  tracker.flush();
  return out;
}

/** Wireshark's tcp.completeness bits from a record: SYN 1, SYN-ACK 2, ACK 4, data 8, FIN 16, RST 32. */
function completeness(r: ConnectionRecord): number {
  const f = r.orig_flags | r.resp_flags;
  return ((r.orig_flags & TcpFlag.SYN) !== 0 ? 1 : 0) |
    ((r.resp_flags & TcpFlag.SYN) !== 0 && (r.resp_flags & TcpFlag.ACK) !== 0 ? 2 : 0) |
    ((f & TcpFlag.ACK) !== 0 ? 4 : 0) | ((r.orig_bytes ?? 0) + (r.resp_bytes ?? 0) > 0 ? 8 : 0) |
    ((f & TcpFlag.FIN) !== 0 ? 16 : 0) | ((f & TcpFlag.RST) !== 0 ? 32 : 0);
}

test('real loopback scenarios: initial RTT, completeness and analysis counts equal tshark per stream', async () => {
  const recs = await records();
  assert.equal(recs.length, golden.streams.length);
  for (const s of golden.streams) {
    const r = recs.find((x) => x.orig_p === s.client_port);
    assert.ok(r, `stream of client port ${s.client_port}`);
    const mine = (side: 'orig' | 'resp'): Counts => ({
      retrans: r[`${side}_retrans`], out_of_order: r[`${side}_out_of_order`], dup_acks: r[`${side}_dup_acks`],
      zero_windows: r[`${side}_zero_windows`], keep_alives: r[`${side}_keep_alives`], lost_segments: r[`${side}_lost_segments`],
    });
    assert.deepEqual(mine('orig'), s.orig, `orig counts, port ${s.client_port}`);
    assert.deepEqual(mine('resp'), s.resp, `resp counts, port ${s.client_port}`);
    assert.equal(completeness(r), s.completeness, `completeness, port ${s.client_port}`);
    if (r.conn_state === 'REJ') {
      // docs/lifecycle.md: Wireshark takes the SYN → RST+ACK time as initial_rtt; tcplens has
      // no handshake without a SYN-ACK.
      assert.equal(r.handshake_us, null);
      assert.ok(s.initial_rtt_us !== null);
    } else {
      assert.equal(r.handshake_us, s.initial_rtt_us, `initial RTT, port ${s.client_port}`);
    }
  }
});

test('real loopback scenarios: Zeek conn_state, history and teardown class', async () => {
  const recs = await records();
  const by = (name: string) => recs.find((r) => r.orig_p === golden.scenarios[name]);
  const got = Object.keys(golden.scenarios).map((n) => {
    const r = by(n);
    return [n, r?.conn_state, r?.history, r?.teardown, r?.rst_phase, r?.missed_bytes];
  });
  assert.deepEqual(got, [
    // request, 300-byte answer, client FIN, server FIN
    ['normal', 'SF', 'ShADadFf', 'four_way', '', 0],
    // server answers and closes at once; client reads, closes
    ['server_first', 'SF', 'ShADadfF', 'four_way', '', 0],
    // client shutdown(SHUT_WR) after its request; the server then sends 3000 bytes and closes
    ['half_close', 'SF', 'ShADaFdf', 'half_close', '', 0],
    // SO_LINGER 0 close: RST+ACK from the client
    ['client_rst', 'RSTO', 'ShADaR', 'rst', 'established', 0],
    // closed port: the kernel answers the SYN with RST+ACK
    ['refused', 'REJ', 'Sr', 'rst', 'handshake', 0],
    // server closes; the client's late request is answered with RST
    ['rst_after_fin', 'RSTR', 'ShADafr', 'rst_after_fin', 'after_fin', 0],
    // the server does not read: zero windows (w), then drains and both close
    ['zero_window', 'SF', 'ShADawFf', 'four_way', '', 0],
    // idle with two 0-byte keep-alives; the capture ends before the close
    ['keep_alive', 'S1', 'ShADa', '', '', 0],
  ]);
  assert.equal(by('half_close')?.half_close_bytes, 3000);
});
