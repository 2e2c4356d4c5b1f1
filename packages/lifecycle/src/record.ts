/**
 * One connection as tcplens reports it: one ClickHouse row, one JSON line, one conn.log line.
 * Field names are the column names (Zeek's names where Zeek has the field). Times are integer
 * microseconds since the Unix epoch; intervals are integer microseconds.
 */

/** Zeek conn_state vocabulary (scripts/base/protocols/conn/main.zeek). */
export const CONN_STATES = [
  'S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH',
] as const;
export type ConnState = (typeof CONN_STATES)[number];

/** How the connection ended, as seen by the capture. */
export const CLOSE_KINDS = [
  'fin_both', // FIN seen from both sides
  'fin_one', // FIN from one side only, then the connection went quiet or the input ended
  'rst', // a RST ended it
  'timeout', // no packet for the inactivity timeout (or an unanswered attempt timed out)
  'open', // still open when the input ended
] as const;
export type CloseKind = (typeof CLOSE_KINDS)[number];

export const SIDES = ['', 'orig', 'resp', 'both'] as const;
export type Side = (typeof SIDES)[number];

/** In which phase the first RST came. '' when there was no RST. */
export const RST_PHASES = ['', 'handshake', 'established', 'after_fin', 'after_idle'] as const;
export type RstPhase = (typeof RST_PHASES)[number];

/**
 * Teardown class, first match: '' no FIN and no RST; 'fin_rst' the first RST came in a FIN+RST
 * packet before any FIN; 'rst' a RST before any FIN; 'rst_after_fin' a RST after one side's FIN
 * but before the other's; 'simultaneous' both FINs crossed; 'half_close' the side that had not
 * closed sent new payload after the first FIN; 'four_way' both FINs in turn; 'fin_one' one FIN.
 */
export const TEARDOWN_CLASSES = [
  '', 'fin_rst', 'rst', 'rst_after_fin', 'simultaneous', 'half_close', 'four_way', 'fin_one',
] as const;
export type TeardownClass = (typeof TEARDOWN_CLASSES)[number];

export interface ConnectionRecord {
  /** Deterministic connection id: same input gives the same id (Zeek-like "C" + base62). */
  uid: string;
  /** Community ID v1 string ("1:..."), seed 0. */
  community_id: string;
  /** First packet time, µs since epoch. */
  ts: number;
  /** Last packet time, µs since epoch. */
  last_ts: number;
  /** Addresses in text: IPv4 dotted quad or IPv6 (RFC 5952). */
  orig_h: string;
  orig_p: number;
  resp_h: string;
  resp_p: number;
  ip_version: 4 | 6;
  /** Seconds, Zeek's rule; null when duration is 0 (Zeek leaves it unset). */
  duration: number | null;
  /** Payload bytes from sequence space; null when duration is 0 (as Zeek). */
  orig_bytes: number | null;
  resp_bytes: number | null;
  conn_state: ConnState;
  history: string;
  missed_bytes: number;
  orig_pkts: number;
  orig_ip_bytes: number;
  resp_pkts: number;
  resp_ip_bytes: number;
  /** Handshake timings, µs; null when not observed. */
  syn_to_synack_us: number | null;
  synack_to_ack_us: number | null;
  handshake_us: number | null;
  close_kind: CloseKind;
  /** Who sent the first FIN (or the RST when there was no FIN). */
  closed_first: Side;
  rst_by: Side;
  rst_phase: RstPhase;
  /** Bitmask (TcpFlag) of every flag seen from each side. */
  orig_flags: number;
  resp_flags: number;
  /** The first sensor that saw the connection (its clock gives the timings above). */
  sensor_id: string;

  // --- Teardown (tcplens) ---
  teardown: TeardownClass;
  /** Whether the first RST carried ACK; null without RST. */
  rst_ack: boolean | null;
  /** Sides that sent FIN and RST in one packet. */
  fin_rst_by: Side;
  /** New payload bytes sent after the first FIN by the side that had not closed. */
  half_close_bytes: number;
  /** From the first FIN to the last packet (µs); null without FIN. */
  teardown_us: number | null;
  /** From the first packet to each side's first payload (µs); null without payload. */
  orig_first_data_us: number | null;
  resp_first_data_us: number | null;

  // --- Wireshark's per-direction analysis counts (tcp.analysis.*) ---
  /** retransmission, fast_retransmission and spurious_retransmission. */
  orig_retrans: number;
  resp_retrans: number;
  orig_out_of_order: number;
  resp_out_of_order: number;
  orig_dup_acks: number;
  resp_dup_acks: number;
  orig_zero_windows: number;
  resp_zero_windows: number;
  orig_keep_alives: number;
  resp_keep_alives: number;
  /** lost_segment: "previous segment not captured" (a sequence gap). */
  orig_lost_segments: number;
  resp_lost_segments: number;

  // --- Vantage points ---
  /** Every sensor that saw the connection, the first sensor first. */
  sensors: string[];
  /** Handshake timings measured by each sensor on its own clock, parallel to `sensors`. */
  sensor_syn_to_synack_us: (number | null)[];
  sensor_synack_to_ack_us: (number | null)[];
  sensor_handshake_us: (number | null)[];
}
