/**
 * The known data set behind docs/sql.md's tests (and the alerter's): five services over the last
 * hour, the same hour yesterday, and two hours ago. Every number the cookbook test expects follows
 * from the comments here, not from running the queries.
 */
import type { ConnectionRecord } from '@tcplens/lifecycle';
import { makeRecord } from './test-records.js';

/** 2024-03-01 12:00:00 UTC, µs: minute 0 of "the last hour". The newest record is at T + 59m30s. */
export const T = Date.UTC(2024, 2, 1, 12) * 1000;
export const MINUTE = 60_000_000;
const HOUR = 60 * MINUTE;

const lat = (syn: number, ack: number) => ({
  syn_to_synack_us: syn, synack_to_ack_us: ack, handshake_us: syn + ack,
  sensor_syn_to_synack_us: [syn], sensor_synack_to_ack_us: [ack], sensor_handshake_us: [syn + ack],
});
const noHandshake = {
  syn_to_synack_us: null, synack_to_ack_us: null, handshake_us: null, orig_bytes: null, resp_bytes: null, duration: null,
  sensor_syn_to_synack_us: [null], sensor_synack_to_ack_us: [null], sensor_handshake_us: [null],
};
const rec = (uid: string, ts: number, over: Partial<ConnectionRecord>) =>
  makeRecord({ uid, ts, last_ts: ts + 5_000, orig_p: 30000 + (Number(uid.replace(/\D/g, '')) % 30000), ...over });

export function cookbookRecords(): ConnectionRecord[] {
  const out: ConnectionRecord[] = [];
  // A 10.0.0.1:80: 40 conns, minute i, 500+500 µs; i = 10..15 reset by the server (client .10).
  for (let i = 0; i < 40; i++) {
    const reset = i >= 10 && i <= 15;
    out.push(rec(`Ca${i}`, T + i * MINUTE + 1_000_000, {
      resp_h: '10.0.0.1', resp_p: 80, ...lat(500, 500),
      orig_h: reset ? '192.168.1.10' : `192.168.1.${20 + (i % 5)}`,
      ...(reset ? { conn_state: 'RSTR', close_kind: 'rst', rst_by: 'resp', rst_phase: 'established', teardown: 'rst', history: 'ShADr', rst_ack: true } : {}),
    }));
  }
  // B 10.0.0.2:443: 20 conns, minute 2i+1, server leg 4900 µs; i = 3, 4 reset after a FIN (client .11).
  for (let i = 0; i < 20; i++) {
    const afterFin = i === 3 || i === 4;
    out.push(rec(`Cb${i}`, T + (2 * i + 1) * MINUTE + 2_000_000, {
      resp_h: '10.0.0.2', resp_p: 443, ...lat(4900, 100),
      orig_h: afterFin ? '192.168.1.11' : '192.168.1.30',
      ...(afterFin ? { conn_state: 'RSTO', close_kind: 'rst', rst_by: 'orig', rst_phase: 'after_fin', teardown: 'rst_after_fin', history: 'ShADFR', rst_ack: true } : {}),
    }));
  }
  // C 10.0.0.3:5432: 10 conns, minute 5i, client leg 3900 µs.
  for (let i = 0; i < 10; i++) {
    out.push(rec(`Cc${i}`, T + 5 * i * MINUTE + 3_000_000, { resp_h: '10.0.0.3', resp_p: 5432, orig_h: '192.168.1.40', ...lat(100, 3900) }));
  }
  // D 10.0.0.4:22: 3 refused attempts, minutes 50..52 (client .12).
  for (let i = 0; i < 3; i++) {
    out.push(rec(`Cd${i}`, T + (50 + i) * MINUTE, {
      resp_h: '10.0.0.4', resp_p: 22, orig_h: '192.168.1.12', ...noHandshake, conn_state: 'REJ', history: 'Sr',
      close_kind: 'rst', closed_first: 'resp', rst_by: 'resp', rst_phase: 'handshake', teardown: 'rst', rst_ack: true, teardown_us: null,
    }));
  }
  // E 10.0.0.5:3306: 2 unanswered SYNs, the newest records (T + 59m10s, T + 59m30s).
  for (let i = 0; i < 2; i++) {
    out.push(rec(`Ce${i}`, T + 59 * MINUTE + (10 + 20 * i) * 1_000_000, {
      resp_h: '10.0.0.5', resp_p: 3306, orig_h: '192.168.1.13', ...noHandshake, conn_state: 'S0', history: 'S',
      close_kind: 'timeout', closed_first: '', teardown: '', teardown_us: null,
    }));
  }
  // Yesterday, same hour: A at 1000 µs (one reset, client .99), B at 2000 µs.
  for (let i = 0; i < 20; i++) {
    out.push(rec(`Cya${i}`, T - 24 * HOUR + i * MINUTE, {
      resp_h: '10.0.0.1', resp_p: 80, orig_h: i === 0 ? '192.168.1.99' : '192.168.2.1', ...lat(500, 500),
      ...(i === 0 ? { conn_state: 'RSTR', close_kind: 'rst', rst_by: 'resp', rst_phase: 'established', teardown: 'rst' } : {}),
    }));
    out.push(rec(`Cyb${i}`, T - 24 * HOUR + i * MINUTE, { resp_h: '10.0.0.2', resp_p: 443, orig_h: '192.168.2.1', ...lat(1900, 100) }));
  }
  // Two hours ago: A at 9000 µs, outside "the last hour".
  for (let i = 0; i < 10; i++) {
    out.push(rec(`Cold${i}`, T - 2 * HOUR + i * MINUTE, { resp_h: '10.0.0.1', resp_p: 80, orig_h: '192.168.2.2', ...lat(8000, 1000) }));
  }
  return out;
}
