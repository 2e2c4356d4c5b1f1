/**
 * What a committed offset carries in Kafka's commit metadata, so that a PartitionState started
 * there behaves from its first message exactly as the state that committed it did:
 *
 * - spanning connections: emitted (and stored) before the offset is committed, but with packets in
 *   messages at or after it. A re-read from that offset would see only the tail of such a
 *   connection and build a fragment of it; the re-reading state drops their packets instead: the
 *   packets of that address/port pair (either direction) up to the position of its last packet;
 * - the sensors' views (clock, ended) and the event time as they were at that offset, so event
 *   time, staleness and end of input are decided as before (a sensor that holds event time back
 *   is known before its next watermark).
 *
 * Text: `tcplens-commit/1 ` followed by JSON `{"c":[[orig_h, orig_p, resp_h, resp_p, lastOffset,
 * lastIndex], ...], "s":[[sensor, clockUs, ended 0|1], ...], "t":eventTimeUs}`, where
 * lastOffset/lastIndex name the message, and the packet within it, of the connection's last packet.
 */

export const COMMIT_PREFIX = 'tcplens-commit/1 ';
/** Kafka's offset.metadata.max.bytes defaults to 4096; stay well below. */
export const SPANNING_MAX_CHARS = 3500;

export interface Spanning {
  origH: string;
  origP: number;
  respH: string;
  respP: number;
  /** Offset of the message holding the connection's last packet, and the packet's index there. */
  lastOffset: number;
  lastIndex: number;
}

export interface CarriedSensor {
  name: string;
  clockUs: number;
  ended: boolean;
}

export interface CommitPoint {
  spanning: Spanning[];
  sensors: CarriedSensor[];
  eventTimeUs: number;
}

export const EMPTY_COMMIT_POINT: CommitPoint = Object.freeze({ spanning: [], sensors: [], eventTimeUs: 0 }) as CommitPoint;

export function encodeCommitPoint(c: CommitPoint): string {
  if (c.spanning.length === 0 && c.sensors.length === 0) return '';
  return COMMIT_PREFIX + JSON.stringify({
    c: c.spanning.map((s) => [s.origH, s.origP, s.respH, s.respP, s.lastOffset, s.lastIndex]),
    s: c.sensors.map((v) => [v.name, v.clockUs, v.ended ? 1 : 0]),
    t: c.eventTimeUs,
  });
}

/** Parses commit metadata; '' or null is an empty commit point; anything else malformed throws. */
export function decodeCommitPoint(text: string | null | undefined): CommitPoint {
  if (text === null || text === undefined || text === '') return { spanning: [], sensors: [], eventTimeUs: 0 };
  if (!text.startsWith(COMMIT_PREFIX)) throw new Error('not tcplens commit metadata');
  const raw = JSON.parse(text.slice(COMMIT_PREFIX.length)) as { c?: unknown; s?: unknown; t?: unknown } | null;
  if (raw === null || typeof raw !== 'object' || !Array.isArray(raw.c) || !Array.isArray(raw.s)) throw new Error('commit metadata is not {c, s, t}');
  const eventTimeUs = raw.t;
  if (typeof eventTimeUs !== 'number' || !Number.isSafeInteger(eventTimeUs) || eventTimeUs < 0) throw new Error(`bad event time ${String(eventTimeUs)}`);
  const sensors = raw.s.map((e: unknown): CarriedSensor => {
    if (!Array.isArray(e) || e.length !== 3) throw new Error('commit metadata sensor is not a 3-tuple');
    const [name, clockUs, ended] = e as unknown[];
    if (typeof name !== 'string') throw new Error('bad sensor name');
    if (typeof clockUs !== 'number' || !Number.isSafeInteger(clockUs) || clockUs < 0) throw new Error(`bad sensor clock ${String(clockUs)}`);
    if (ended !== 0 && ended !== 1) throw new Error(`bad sensor ended flag ${String(ended)}`);
    return { name, clockUs, ended: ended === 1 };
  });
  return { spanning: decodeSpanning(raw.c), sensors, eventTimeUs };
}

function decodeSpanning(raw: unknown[]): Spanning[] {
  return raw.map((e: unknown) => {
    if (!Array.isArray(e) || e.length !== 6) throw new Error('commit metadata entry is not a 6-tuple');
    const [origH, origP, respH, respP, lastOffset, lastIndex] = e as unknown[];
    const port = (v: unknown): number => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) throw new Error(`bad port ${String(v)}`);
      return v;
    };
    const nat = (v: unknown): number => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Error(`bad offset ${String(v)}`);
      return v;
    };
    if (typeof origH !== 'string' || typeof respH !== 'string') throw new Error('bad address');
    addressBytes(origH);
    addressBytes(respH);
    return { origH, origP: port(origP), respH, respP: port(respP), lastOffset: nat(lastOffset), lastIndex: nat(lastIndex) };
  });
}

/** 16 bytes of a record's address text (IPv4 dotted quad → IPv4-mapped; IPv6 as formatted by lifecycle). */
export function addressBytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    out[10] = 0xff;
    out[11] = 0xff;
    text.split('.').forEach((x, i) => {
      const v = Number(x);
      if (v > 255) throw new Error(`bad IPv4 address ${text}`);
      out[12 + i] = v;
    });
    return out;
  }
  const halves = text.split('::');
  if (halves.length > 2 || !/^[0-9a-f:]+$/i.test(text)) throw new Error(`bad address ${text}`);
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 1 || halves[1] === '' ? [] : halves[1]!.split(':');
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) throw new Error(`bad IPv6 address ${text}`);
  const groups = [...head, ...Array<string>(fill).fill('0'), ...tail];
  groups.forEach((g, i) => {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) throw new Error(`bad IPv6 address ${text}`);
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 255;
  });
  return out;
}
