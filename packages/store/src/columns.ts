/**
 * The one column table of tcplens.connections. It generates the CREATE TABLE, the migrations'
 * ADD COLUMN statements, the writer's row encoding and the column list in docs/schema.md (a test
 * diffs the doc against it). Types are written exactly as ClickHouse prints them in system.columns,
 * so migrate() can compare them as strings.
 *
 * Every ConnectionRecord field is a column of the same name; columns with a `default` are filled by
 * the server (the writer never sends them).
 */
import type { ConnectionRecord } from '@tcplens/lifecycle';

export interface ColumnDef {
  readonly name: string;
  readonly type: string;
  readonly doc: string;
  /** Server-side DEFAULT expression; such a column is not part of ConnectionRecord. */
  readonly default?: string;
}

const TIME = "DateTime64(6, 'UTC')";

export const COLUMNS = [
  { name: 'uid', type: 'String', doc: 'Deterministic connection id ("C" + base62): the same input gives the same id.' },
  { name: 'community_id', type: 'String', doc: 'Community ID v1 of the 5-tuple ("1:..."), seed 0; joins with Zeek/Suricata data.' },
  { name: 'ts', type: TIME, doc: 'First packet time (µs precision, UTC).' },
  { name: 'last_ts', type: TIME, doc: 'Last packet time (µs precision, UTC).' },
  { name: 'orig_h', type: 'IPv6', doc: 'Originator address; IPv4 is stored IPv4-mapped (::ffff:1.2.3.4).' },
  { name: 'orig_p', type: 'UInt16', doc: 'Originator port.' },
  { name: 'resp_h', type: 'IPv6', doc: 'Responder (server) address; IPv4 is stored IPv4-mapped.' },
  { name: 'resp_p', type: 'UInt16', doc: 'Responder (server) port.' },
  { name: 'ip_version', type: 'UInt8', doc: 'IP version of the connection: 4 or 6.' },
  { name: 'duration', type: 'Nullable(Float64)', doc: "Seconds from first to last packet (Zeek's rule); NULL when 0." },
  { name: 'orig_bytes', type: 'Nullable(UInt64)', doc: 'Originator payload bytes from sequence space; NULL when duration is 0.' },
  { name: 'resp_bytes', type: 'Nullable(UInt64)', doc: 'Responder payload bytes from sequence space; NULL when duration is 0.' },
  { name: 'conn_state', type: 'LowCardinality(String)', doc: 'Zeek conn_state: S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH.' },
  { name: 'history', type: 'String', doc: 'Zeek history letters (upper case: originator, lower case: responder).' },
  { name: 'missed_bytes', type: 'UInt64', doc: 'Bytes missing from the capture (sequence gaps).' },
  { name: 'orig_pkts', type: 'UInt64', doc: 'Packets sent by the originator.' },
  { name: 'orig_ip_bytes', type: 'UInt64', doc: 'IP-level bytes sent by the originator.' },
  { name: 'resp_pkts', type: 'UInt64', doc: 'Packets sent by the responder.' },
  { name: 'resp_ip_bytes', type: 'UInt64', doc: 'IP-level bytes sent by the responder.' },
  { name: 'syn_to_synack_us', type: 'Nullable(UInt64)', doc: 'µs from the SYN to the SYN-ACK (server/network latency); NULL when not observed.' },
  { name: 'synack_to_ack_us', type: 'Nullable(UInt64)', doc: 'µs from the SYN-ACK to the final handshake ACK (client side); NULL when not observed.' },
  { name: 'handshake_us', type: 'Nullable(UInt64)', doc: 'µs from the SYN to the handshake ACK; NULL when the handshake was not completed.' },
  { name: 'close_kind', type: 'LowCardinality(String)', doc: 'How it ended: fin_both, fin_one, rst, timeout, open (still open at end of input).' },
  { name: 'closed_first', type: 'LowCardinality(String)', doc: "Who sent the first FIN (or the RST when there was no FIN): orig, resp, both or ''." },
  { name: 'rst_by', type: 'LowCardinality(String)', doc: "Who sent RSTs: orig, resp, both, or '' when there was none." },
  { name: 'rst_phase', type: 'LowCardinality(String)', doc: "Phase of the first RST: handshake, established, after_fin, after_idle, or ''." },
  { name: 'orig_flags', type: 'UInt16', doc: 'Bitmask of every TCP flag the originator sent (FIN=1 SYN=2 RST=4 PSH=8 ACK=16 URG=32 ECE=64 CWR=128 NS=256).' },
  { name: 'resp_flags', type: 'UInt16', doc: 'Bitmask of every TCP flag the responder sent (same bits).' },
  { name: 'sensor_id', type: 'LowCardinality(String)', doc: 'The first sensor that saw the connection (its clock gives the timings above).' },
  { name: 'teardown', type: 'LowCardinality(String)', doc: "Teardown class, first match: '' (no FIN, no RST), fin_rst, rst, rst_after_fin, simultaneous, half_close, four_way, fin_one." },
  { name: 'rst_ack', type: 'Nullable(Bool)', doc: 'Whether the first RST carried ACK; NULL without RST.' },
  { name: 'fin_rst_by', type: 'LowCardinality(String)', doc: "Sides that sent FIN and RST in one packet: orig, resp, both or ''." },
  { name: 'half_close_bytes', type: 'UInt64', doc: 'New payload bytes sent after the first FIN by the side that had not closed.' },
  { name: 'teardown_us', type: 'Nullable(UInt64)', doc: 'µs from the first FIN to the last packet; NULL without FIN.' },
  { name: 'orig_first_data_us', type: 'Nullable(UInt64)', doc: "µs from the first packet to the originator's first payload; NULL without payload." },
  { name: 'resp_first_data_us', type: 'Nullable(UInt64)', doc: "µs from the first packet to the responder's first payload (time to first byte); NULL without payload." },
  { name: 'orig_retrans', type: 'UInt32', doc: 'Originator retransmissions (Wireshark tcp.analysis retransmission, fast and spurious).' },
  { name: 'resp_retrans', type: 'UInt32', doc: 'Responder retransmissions (same rule).' },
  { name: 'orig_out_of_order', type: 'UInt32', doc: 'Originator out-of-order segments (tcp.analysis.out_of_order).' },
  { name: 'resp_out_of_order', type: 'UInt32', doc: 'Responder out-of-order segments.' },
  { name: 'orig_dup_acks', type: 'UInt32', doc: 'Originator duplicate ACKs (tcp.analysis.duplicate_ack).' },
  { name: 'resp_dup_acks', type: 'UInt32', doc: 'Responder duplicate ACKs.' },
  { name: 'orig_zero_windows', type: 'UInt32', doc: 'Originator zero-window advertisements (tcp.analysis.zero_window).' },
  { name: 'resp_zero_windows', type: 'UInt32', doc: 'Responder zero-window advertisements.' },
  { name: 'orig_keep_alives', type: 'UInt32', doc: 'Originator keep-alives (tcp.analysis.keep_alive).' },
  { name: 'resp_keep_alives', type: 'UInt32', doc: 'Responder keep-alives.' },
  { name: 'orig_lost_segments', type: 'UInt32', doc: 'Sequence gaps before originator segments ("previous segment not captured").' },
  { name: 'resp_lost_segments', type: 'UInt32', doc: 'Sequence gaps before responder segments.' },
  { name: 'sensors', type: 'Array(LowCardinality(String))', doc: 'Every sensor that saw the connection, the first sensor first.' },
  { name: 'sensor_syn_to_synack_us', type: 'Array(Nullable(UInt64))', doc: 'syn_to_synack_us as measured by each sensor on its own clock, parallel to sensors.' },
  { name: 'sensor_synack_to_ack_us', type: 'Array(Nullable(UInt64))', doc: 'synack_to_ack_us per sensor, parallel to sensors.' },
  { name: 'sensor_handshake_us', type: 'Array(Nullable(UInt64))', doc: 'handshake_us per sensor, parallel to sensors.' },
  { name: 'inserted_at', type: TIME, default: 'now64(6)', doc: 'When the row was written; the ReplacingMergeTree version (the latest copy of a uid wins).' },
] as const satisfies readonly ColumnDef[];

export type ColumnName = (typeof COLUMNS)[number]['name'];
type ServerColumn = Extract<(typeof COLUMNS)[number], { default: string }>['name'];
export type RecordColumnName = Exclude<ColumnName, ServerColumn>;

/** Columns the writer sends, in table order. */
export const RECORD_COLUMNS: readonly ColumnDef[] = COLUMNS.filter((c: ColumnDef) => c.default === undefined);

// Compile-time drift check: every ConnectionRecord field has a column, and every non-default column
// is a ConnectionRecord field. A mismatch makes this assignment a type error naming the culprits.
type MissingColumns = Exclude<keyof ConnectionRecord, RecordColumnName>;
type UnknownColumns = Exclude<RecordColumnName, keyof ConnectionRecord>;
const columnsMatchRecord: [MissingColumns, UnknownColumns] extends [never, never]
  ? true
  : { missingColumns: MissingColumns; unknownColumns: UnknownColumns } = true;
void columnsMatchRecord;

/** `name Type [DEFAULT expr]`, as used in CREATE TABLE and ALTER TABLE ADD COLUMN. */
export function columnDdl(c: ColumnDef): string {
  return `${c.name} ${c.type}${c.default === undefined ? '' : ` DEFAULT ${c.default}`}`;
}
