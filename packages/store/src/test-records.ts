/** Test helper: a complete, plausible ConnectionRecord with any field overridden. */
import type { ConnectionRecord } from '@tcplens/lifecycle';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** 2023-11-14 22:13:20 UTC in µs. */
export const T0 = 1_700_000_000_000_000;

export function makeRecord(over: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return {
    uid: 'CtestUid0001',
    community_id: '1:wCb3OG7yAFWelaUydu0D+125CLM=',
    ts: T0,
    last_ts: T0 + 5_000,
    orig_h: '192.168.1.2',
    orig_p: 50000,
    resp_h: '10.0.0.1',
    resp_p: 80,
    ip_version: 4,
    duration: 0.005,
    orig_bytes: 100,
    resp_bytes: 2000,
    conn_state: 'SF',
    history: 'ShADadFf',
    missed_bytes: 0,
    orig_pkts: 6,
    orig_ip_bytes: 420,
    resp_pkts: 5,
    resp_ip_bytes: 2300,
    syn_to_synack_us: 120,
    synack_to_ack_us: 40,
    handshake_us: 160,
    close_kind: 'fin_both',
    closed_first: 'orig',
    rst_by: '',
    rst_phase: '',
    orig_flags: 0x1b,
    resp_flags: 0x1b,
    sensor_id: 'test',
    teardown: 'four_way',
    rst_ack: null,
    fin_rst_by: '',
    half_close_bytes: 0,
    teardown_us: 1_000,
    orig_first_data_us: 200,
    resp_first_data_us: 900,
    orig_retrans: 0,
    resp_retrans: 0,
    orig_out_of_order: 0,
    resp_out_of_order: 0,
    orig_dup_acks: 0,
    resp_dup_acks: 0,
    orig_zero_windows: 0,
    resp_zero_windows: 0,
    orig_keep_alives: 0,
    resp_keep_alives: 0,
    orig_lost_segments: 0,
    resp_lost_segments: 0,
    sensors: ['test'],
    sensor_syn_to_synack_us: [120],
    sensor_synack_to_ack_us: [40],
    sensor_handshake_us: [160],
    ...over,
  };
}

/** One fresh directory per test file: chdb allows one data directory per process. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tcplens-store-${prefix}-`));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
