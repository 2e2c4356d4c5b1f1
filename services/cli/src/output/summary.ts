import type { ConnectionRecord } from '@tcplens/lifecycle';
import { Histogram } from './histogram.js';
import { TopK } from './top-k.js';

/** What `tcplens analyze` prints by default. Fixed memory: histograms and a heavy-hitter table. */
export class Summary {
  connections = 0;
  readonly byState = new Map<string, number>();
  readonly byClose = new Map<string, number>();
  readonly resets = new Map<string, number>(); // "orig|established" → n
  refused = 0;
  unanswered = 0;
  readonly serverLeg = new Histogram();
  readonly clientLeg = new Histogram();
  readonly handshake = new Histogram();
  readonly servers = new TopK(1000);
  readonly serverResets = new TopK(1000);

  add(r: ConnectionRecord): void {
    this.connections++;
    inc(this.byState, r.conn_state);
    inc(this.byClose, r.close_kind);
    if (r.conn_state === 'REJ') this.refused++;
    if (r.conn_state === 'S0') this.unanswered++;
    if (r.rst_by !== '' && r.conn_state !== 'REJ') inc(this.resets, `${r.rst_by}|${r.rst_phase}`);
    if (r.syn_to_synack_us !== null) this.serverLeg.record(r.syn_to_synack_us);
    if (r.synack_to_ack_us !== null) this.clientLeg.record(r.synack_to_ack_us);
    if (r.handshake_us !== null) this.handshake.record(r.handshake_us);
    const server = endpoint(r.resp_h, r.resp_p);
    this.servers.add(server);
    if (r.rst_by !== '') this.serverResets.add(server);
  }
}

export function endpoint(h: string, p: number): string {
  return h.includes(':') ? `[${h}]:${p}` : `${h}:${p}`;
}

function inc(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}
