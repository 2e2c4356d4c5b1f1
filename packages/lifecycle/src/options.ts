/** Tracker configuration: Zeek's defaults, in integer microseconds. */
import { LifecycleError } from './errors.js';

export interface TrackerOptions {
  /** Copied into every record. */
  sensorId?: string;
  /** Zeek tcp_inactivity_timeout (5 min): no packet for this long ends the connection. */
  inactivityTimeoutUs?: number;
  /** Zeek tcp_attempt_delay (5 s): an unanswered SYN ends this long after the first SYN. */
  attemptTimeoutUs?: number;
  /** Zeek tcp_close_delay (5 s): a closed connection is emitted this long after the close. */
  closeLingerUs?: number;
  /** Zeek tcp_reset_delay (5 s): a reset connection is emitted this long after the RST. */
  resetLingerUs?: number;
  /** A RST after the connection was idle this long gets rst_phase 'after_idle' (60 s). */
  idleRstUs?: number;
  /**
   * Two copies of a segment (same direction, flags, seq, ack, payload length) from different
   * sensors at most this far apart are one segment (500 ms: clock offset plus path delay).
   */
  dedupWindowUs?: number;
  /**
   * The input merges several sensors: remember recent segments of every connection from its
   * first packet (about 700 bytes more per connection) so copies from other sensors are
   * recognized. Also turned on by interning a second sensor name. Default false.
   */
  multiSensor?: boolean;
  /**
   * Emit a closed connection's record early: once its close is complete (the point where Zeek
   * starts the close/reset linger) and no packet of it arrived for this long (event time), its
   * record is emitted while the connection keeps lingering in the table. If another packet of it
   * arrives later, the record is emitted again, with the same uid, when the linger ends; a store
   * that keeps the latest row per uid then holds exactly the record emitted without this option.
   * -1 (default): off, every record is emitted once at the end of its linger.
   */
  emitClosedAfterUs?: number;
  /** Zeek tcp_connection_linger (5 s): a SYN on a closed connection sooner is "premature" reuse. */
  connectionLingerUs?: number;
  /**
   * Ports taken as servers when a connection is picked up mid-stream (Zeek's likely_server_ports
   * heuristic). Default: a fixed list of well-known service ports (LIKELY_SERVER_PORTS).
   */
  likelyServerPorts?: readonly number[];
}

export const LIKELY_SERVER_PORTS: readonly number[] = [
  20, 21, 22, 23, 25, 53, 80, 88, 110, 111, 135, 139, 143, 179, 389, 443, 445, 465, 502, 514, 587, 636,
  853, 989, 990, 993, 995, 1080, 1433, 1521, 1883, 2049, 2379, 3128, 3306, 3389, 5060, 5222, 5432, 5671,
  5672, 5900, 6379, 6443, 6667, 8000, 8008, 8080, 8443, 8883, 9000, 9092, 9200, 9300, 11211, 27017,
];

export type ResolvedOptions = Readonly<Required<Omit<TrackerOptions, 'likelyServerPorts'>>> & {
  readonly serverPorts: Uint8Array;
};

const S = 1_000_000;

export function resolveOptions(o: TrackerOptions): ResolvedOptions {
  const serverPorts = new Uint8Array(65536);
  for (const p of o.likelyServerPorts ?? LIKELY_SERVER_PORTS) if (p >= 0 && p < 65536) serverPorts[p] = 1;
  const r = {
    sensorId: o.sensorId ?? '',
    inactivityTimeoutUs: o.inactivityTimeoutUs ?? 300 * S,
    attemptTimeoutUs: o.attemptTimeoutUs ?? 5 * S,
    closeLingerUs: o.closeLingerUs ?? 5 * S,
    resetLingerUs: o.resetLingerUs ?? 5 * S,
    idleRstUs: o.idleRstUs ?? 60 * S,
    connectionLingerUs: o.connectionLingerUs ?? 5 * S,
    dedupWindowUs: o.dedupWindowUs ?? 500_000,
    multiSensor: o.multiSensor ?? false,
    emitClosedAfterUs: o.emitClosedAfterUs ?? -1,
    serverPorts,
  };
  // Validate everything once, report all problems together.
  const problems: string[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (k === 'emitClosedAfterUs' && v === -1) continue;
    if (typeof v === 'number' && !(Number.isFinite(v) && v >= 0)) problems.push(`${k} must be a finite number >= 0 (got ${v})`);
  }
  if (r.emitClosedAfterUs >= Math.min(r.closeLingerUs, r.resetLingerUs)) {
    problems.push(`emitClosedAfterUs must be shorter than closeLingerUs and resetLingerUs (got ${r.emitClosedAfterUs})`);
  }
  if (problems.length > 0) throw new LifecycleError('TCPLENS_ERR_LIFECYCLE_OPTIONS', { problems: problems.join('; ') });
  return Object.freeze(r);
}
