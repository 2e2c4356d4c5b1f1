/** Test helper: synthetic steady traffic with resets, per service and window, as ConnectionRecords. */
import type { ConnectionRecord } from '@tcplens/lifecycle';
import { makeRecord } from '@tcplens/store/testing';

export const S = 1_000_000;
/** 2024-03-01 12:00:00 UTC in µs. */
export const T = Date.UTC(2024, 2, 1, 12) * 1000;

let seq = 0;
/** `conns` connections to host:port spread over [startUs, startUs + spanUs), the first `rsts` RST-closed. */
export function traffic(host: string, port: number, startUs: number, spanUs: number, conns: number, rsts: number, client = '192.168.1.2'): ConnectionRecord[] {
  const out: ConnectionRecord[] = [];
  for (let i = 0; i < conns; i++) {
    const reset = i < rsts;
    const n = seq++;
    out.push(makeRecord({
      uid: `Ct${n}`, ts: startUs + Math.floor((i * spanUs) / conns) + 1, orig_h: reset ? client : '192.168.1.2', orig_p: 1024 + (n % 60000),
      resp_h: host, resp_p: port, sensor_id: reset ? 'edge-1' : 'edge-2',
      ...(reset ? { conn_state: 'RSTR', close_kind: 'rst', rst_by: 'resp', rst_phase: 'established', teardown: 'rst', rst_ack: true } : {}),
    }));
  }
  return out;
}
