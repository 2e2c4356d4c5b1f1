/**
 * Connections that span a commit point: emitted (and stored) before the offset is committed, but
 * with packets in messages at or after it. A re-read from that offset would see only the tail of
 * such a connection and build a fragment of it; the committed offset therefore carries them, in
 * Kafka's commit metadata, and the re-reading PartitionState drops their packets: the packets of
 * that connection (its address/port pair, either direction) up to the position of its last packet.
 *
 * Metadata text: `tcplens-spanning/1 ` followed by JSON
 * `[[orig_h, orig_p, resp_h, resp_p, lastOffset, lastIndex], ...]`, where lastOffset/lastIndex name
 * the message and the packet within it of the connection's last packet.
 */

export const SPANNING_PREFIX = 'tcplens-spanning/1 ';
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

export function encodeSpanning(list: readonly Spanning[]): string {
  if (list.length === 0) return '';
  return SPANNING_PREFIX + JSON.stringify(list.map((s) => [s.origH, s.origP, s.respH, s.respP, s.lastOffset, s.lastIndex]));
}

/** Parses commit metadata; '' or null is no spanning connection; anything else malformed throws. */
export function decodeSpanning(text: string | null | undefined): Spanning[] {
  if (text === null || text === undefined || text === '') return [];
  if (!text.startsWith(SPANNING_PREFIX)) throw new Error('not tcplens commit metadata');
  const raw: unknown = JSON.parse(text.slice(SPANNING_PREFIX.length));
  if (!Array.isArray(raw)) throw new Error('commit metadata is not a list');
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
